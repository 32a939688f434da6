//! One sending client's writer thread: waits for the start signal, then writes its messages,
//! paced or as fast as the socket takes them, each stamped with the moment it was written.
//!
//! It writes on a clone of its client's socket while the client thread reads the original, so a
//! sender that is blocked by a full socket never stops its own client from reading.

use crate::clock::{self, Clock, POLL};
use crate::payload::{self, Stamp};
use crate::signals::{Progress, Signals, THREAD_STACK};
use std::io::{self, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

/// What one sender sends.
#[derive(Debug, Clone)]
pub struct SendPlan {
    /// Which sender this is, written into every stamp.
    pub index: usize,
    pub messages: u64,
    /// Messages per second; `None` for as fast as possible.
    pub rate: Option<f64>,
    /// How long after the start signal this sender's first message is due. Senders' offsets are
    /// spread evenly over one interval (`1 / rate`), as people typing are; all zero in lockstep.
    pub offset: Duration,
    pub size: usize,
}

/// Starts the sender thread on a clone of its client's socket.
pub fn spawn(plan: SendPlan, stream: &TcpStream, signals: Signals) -> Result<(), String> {
    let stream = stream
        .try_clone()
        .and_then(|clone| clone.set_write_timeout(Some(POLL)).map(|()| clone))
        .map_err(|e| format!("preparing the sender's socket: {e}"))?;
    thread::Builder::new()
        .name(format!("sender-{}", plan.index))
        .stack_size(THREAD_STACK)
        .spawn(move || run(plan, stream, signals))
        .map(drop)
        .map_err(|e| format!("starting a sender thread: {e} (too many threads? see ulimit -u)"))
}

fn run(plan: SendPlan, stream: TcpStream, signals: Signals) {
    // Returns once the coordinator drops its end of the channel: everyone starts together.
    let _ = signals.start.recv();
    let sent = send_all(&plan, &stream, &signals.clock);
    // NOTE: ignoring errors: the coordinator stops listening only once it has given up.
    let _ = signals.progress.send(Progress::Sent(sent));
}

/// Writes the plan's messages; returns how many were written whole.
fn send_all(plan: &SendPlan, stream: &TcpStream, clock: &Clock) -> u64 {
    let began = Instant::now() + plan.offset;
    for seq in 0..plan.messages {
        if let Some(rate) = plan.rate {
            pace(began, seq, rate);
        }
        if clock.expired() {
            return seq;
        }
        let stamp = Stamp {
            sent: clock.now(),
            sender: plan.index,
            seq,
        };
        let line = format!("{}\n", payload::encode(stamp, plan.size));
        if write_before_deadline(stream, line.as_bytes(), clock).is_err() {
            return seq;
        }
    }
    plan.messages
}

/// Sleeps until message `seq` is due, so a sender that fell behind catches up instead of
/// drifting: message `seq` goes out `seq / rate` seconds after `began` (the start signal plus
/// this sender's offset), at the earliest.
fn pace(began: Instant, seq: u64, rate: f64) {
    let due = began + Duration::from_secs_f64(seq as f64 / rate);
    let wait = due.saturating_duration_since(Instant::now());
    if !wait.is_zero() {
        thread::sleep(wait);
    }
}

/// `write_all`, except that a server which stops reading ends it at the phase's deadline.
fn write_before_deadline(stream: &TcpStream, bytes: &[u8], clock: &Clock) -> io::Result<()> {
    write_until(stream, bytes, || clock.expired())
}

/// `write_all` on a socket with a write timeout ([`POLL`]), which gives up at the first timeout
/// after `give_up` says so, instead of waiting forever on a server that stopped reading.
pub fn write_until(stream: &TcpStream, bytes: &[u8], give_up: impl Fn() -> bool) -> io::Result<()> {
    let mut stream = stream;
    let mut written = 0;
    while written < bytes.len() {
        match stream.write(&bytes[written..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => written += n,
            Err(e) if clock::is_timeout(&e) && give_up() => return Err(e),
            Err(e) if clock::is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
