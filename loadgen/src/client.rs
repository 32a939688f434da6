//! One loadgen client's thread: connect, join, read every line until its messages have all
//! arrived or the phase ends, then hold the connection open, reading on, until the whole run
//! is over.
//!
//! Go counterpart: none; this is the other side of the original's `handleClient`. A sending
//! client also starts one [`sender`] thread, because this thread spends
//! its life blocked in `read` and a paced writer cannot share it.
//!
//! Every read times out after [`POLL`], and a timed-out read checks the shared deadline, so a
//! server that stops talking ends the client at the phase's end instead of hanging the run.

use crate::clock::{self, Clock, POLL};
use crate::inbox::{Inbox, Stage};
use crate::sender::{self, SendPlan};
use crate::signals::{Progress, Signals, THREAD_STACK};
use crossbeam_channel::{Receiver, TryRecvError};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

/// What one client does.
pub struct ClientPlan {
    pub addr: SocketAddr,
    pub id: String,
    pub prompt: bool,
    pub inbox: Inbox,
    /// Stop reading once, for this long, after the first message (`--pause`).
    pub pause: Option<Duration>,
    pub send: Option<SendPlan>,
}

/// Starts a client's thread.
pub fn spawn(plan: ClientPlan, signals: Signals) -> io::Result<()> {
    thread::Builder::new()
        .name(format!("client-{}", plan.id))
        .stack_size(THREAD_STACK)
        .spawn(move || run(plan, signals))
        .map(drop)
}

/// The client thread's body. Whatever happens, it ends with exactly one `Finished`.
fn run(plan: ClientPlan, signals: Signals) {
    let ClientPlan {
        addr,
        id,
        prompt,
        mut inbox,
        mut pause,
        send,
    } = plan;
    let result = join(&addr, &id, prompt, &signals.clock).and_then(|mut reader| {
        if let Some(send) = send {
            sender::spawn(send, reader.get_ref(), signals.clone())?;
        }
        let result = receive(&mut reader, &mut inbox, &mut pause, &signals);
        Ok((reader, result))
    });
    let (connection, error) = match result {
        Ok((reader, result)) => (Some(reader), result.err()),
        Err(error) => (None, Some(error)),
    };
    let tally = Box::new(inbox.into_tally());
    // NOTE: ignoring errors: the coordinator has stopped listening only if it gave up on the run.
    let _ = signals.progress.send(Progress::Finished(tally, error));
    // Hold the connection until everyone is done, so a finished client's leave notice never
    // reaches clients still counting; then dropping `connection` closes the socket.
    match connection {
        Some(mut reader) => read_until_finish(&mut reader, &signals.finish),
        None => drop(signals.finish.recv()),
    }
}

/// Reads and throws away whatever arrives until the run is over (`finish` dropped). A finished
/// client keeps reading, as a person's client does: one that stopped would be dropped by the
/// server as gone once the room's traffic (an attack's, say) filled its socket, and a sender's
/// connection with it.
fn read_until_finish(reader: &mut BufReader<TcpStream>, finish: &Receiver<()>) {
    while let Err(TryRecvError::Empty) = finish.try_recv() {
        match reader.fill_buf() {
            Ok([]) => break,
            Ok(bytes) => {
                let n = bytes.len();
                reader.consume(n);
            }
            Err(e) if clock::is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    // The connection ended first: hold nothing, but still end with everyone.
    let _ = finish.recv();
}

/// Connects and sends the ID, after the prompt unless the server sends none.
fn join(
    addr: &SocketAddr,
    id: &str,
    prompt: bool,
    clock: &Clock,
) -> Result<BufReader<TcpStream>, String> {
    let stream = TcpStream::connect(addr).map_err(|e| describe_connect_error(addr, &e))?;
    let setup = stream
        .set_nodelay(true)
        .and_then(|()| stream.set_read_timeout(Some(POLL)));
    setup.map_err(|e| format!("setting up the socket: {e}"))?;
    let mut reader = BufReader::new(stream);
    if prompt {
        let mut line = Vec::new();
        match next_line(&mut reader, &mut line, clock) {
            Ok(Some(())) if line == b"Enter your ID:\n" => {}
            Ok(Some(())) => return Err(format!("expected the ID prompt, got {:?}", lossy(&line))),
            Ok(None) => return Err("no ID prompt before the phase ended".into()),
            Err(e) => return Err(format!("waiting for the ID prompt: {e}")),
        }
    }
    reader
        .get_ref()
        .write_all(format!("{id}\n").as_bytes())
        .map_err(|e| format!("sending the ID: {e}"))?;
    Ok(reader)
}

/// Reads lines into the inbox until it is done or the phase ends, telling the coordinator
/// when the client joins and when it is ready. With a `pause`, stops reading for that long once,
/// after the first message.
fn receive(
    reader: &mut BufReader<TcpStream>,
    inbox: &mut Inbox,
    pause: &mut Option<Duration>,
    signals: &Signals,
) -> Result<(), String> {
    let mut line = Vec::new();
    while !inbox.done() {
        line.clear();
        match next_line(reader, &mut line, &signals.clock) {
            Ok(Some(())) => {}
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("reading: {e}")),
        }
        let before = inbox.stage();
        inbox.on_line(lossy(&line).trim_end(), signals.clock.now())?;
        announce(before, inbox.stage(), signals);
        if inbox.received() > 0
            && let Some(pause) = pause.take()
        {
            thread::sleep(pause);
        }
    }
    Ok(())
}

fn announce(before: Stage, now: Stage, signals: &Signals) {
    // NOTE: ignoring errors here and below: a coordinator that gave up reads nothing more.
    if before == Stage::Connecting && now >= Stage::Joined {
        let _ = signals.progress.send(Progress::Joined(signals.clock.now()));
    }
    if before < Stage::Ready && now == Stage::Ready {
        let _ = signals.progress.send(Progress::Ready);
    }
}

/// Reads one line, newline included, into `line`. `Ok(None)` when the phase ended first; an
/// error when the server closed the connection or the socket failed. A read that times out
/// keeps its partial line (`read_until` guarantees that) and simply goes on.
fn next_line(
    reader: &mut BufReader<TcpStream>,
    line: &mut Vec<u8>,
    clock: &Clock,
) -> io::Result<Option<()>> {
    loop {
        match reader.read_until(b'\n', line) {
            Ok(_) if line.ends_with(b"\n") => return Ok(Some(())),
            Ok(_) => return Err(io::Error::other("the server closed the connection")),
            Err(e) if clock::is_timeout(&e) && clock.expired() => return Ok(None),
            Err(e) if clock::is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Out of descriptors is the one connect error a benchmark runner can fix, so it says how.
fn describe_connect_error(addr: &SocketAddr, error: &io::Error) -> String {
    if error.raw_os_error() == Some(24) {
        format!("connecting to {addr}: {error} (raise the limit: ulimit -n 20000)")
    } else {
        format!("connecting to {addr}: {error}")
    }
}
