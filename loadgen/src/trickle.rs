//! One trickling attacker (`--trickle`): a member that stays just inside every per-member rule
//! and, with others like it, holds the room's memory budget (issue 24's first attack).
//!
//! Each connection: a 4 KiB receive buffer, set before connecting; the ID; then a `paste-<id>`
//! thread writes 4,000-byte lines as fast as the server takes them (the server's pacing is what
//! slows it: blocking writes), while this thread reads 4 KiB every 0.5 s. So the member always
//! makes progress (no write-timeout drop) and its backlog grows slowly. When the server ends the
//! connection, the attacker is back at once, from the same address, as an attacker would be;
//! when the server refuses it (`** Too many new connections ...; try again in N s **`), it waits
//! the N seconds it was told.
//!
//! A dropped member is seen by either thread: the reader gets end-of-file or a reset, the writer
//! a broken pipe. Whichever sees it first shuts the socket down, which wakes the other at once.
//! A line the server sends before closing (`** Disconnected ... **`) needs no parsing: the close
//! that follows it is what ends the connection.

use crate::attack_shared::{self, Shared};
use crate::attack_tally::Counts;
use crate::clock::{self, POLL};
use crate::signals::THREAD_STACK;
use crate::source;
use socket2::SockRef;
use std::io::{self, BufRead, BufReader, Read};
use std::net::{IpAddr, Shutdown, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The attacker's receive buffer: small, so the server's send queue for it, not the kernel,
/// holds what it has not read.
pub const RECEIVE_BUFFER: usize = 4096;
/// How much the attacker reads at a time, and how often: 8 KiB a second, progress enough that
/// no write timeout ever drops it.
pub const READ_CHUNK: usize = 4096;
pub const READ_EVERY: Duration = Duration::from_millis(500);
/// The length of each pasted line: under the server's 4,096-byte `--max-line`, so every line
/// is broadcast rather than refused.
pub const LINE_BYTES: usize = 4000;
/// How long to wait after a refusal that names no wait (too many connections from the address
/// at once, a full server, a connection that failed): long enough not to spin, short enough to
/// be back as soon as a place is free.
pub const RETRY: Duration = Duration::from_secs(1);
/// Bound on each connection attempt: a server whose listen queue is full would otherwise keep
/// `connect` waiting for minutes, past the end of the run.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How one connection ended.
#[derive(Debug, PartialEq)]
enum Visit {
    /// The server ended it after the join.
    Dropped,
    /// The server turned it away before the join; wait this long before the next try.
    Refused(Duration),
    /// The attack is over.
    Stopped,
}

/// Starts attacker `index`, connecting from its share of `from` (round-robin).
pub fn spawn(index: usize, from: &[IpAddr], shared: Arc<Shared>) -> io::Result<JoinHandle<()>> {
    let local = source::pick(from, index);
    thread::Builder::new()
        .name(format!("trickle-{index}"))
        .stack_size(THREAD_STACK)
        .spawn(move || run(index, local, &shared))
}

/// Connects again and again until the attack is over, counting each ending.
fn run(index: usize, local: IpAddr, shared: &Shared) {
    let mut joined = false;
    for visit in 0.. {
        let id = format!("{}t{index}-{visit}", shared.prefix);
        match connect_and_trickle(&id, local, shared, &mut joined) {
            Visit::Dropped => Counts::add(&shared.counts.drops),
            Visit::Refused(wait) => {
                Counts::add(&shared.counts.refused);
                if !shared.nap(wait) {
                    return;
                }
            }
            Visit::Stopped => return,
        }
    }
}

/// One connection, from connecting to its end. `joined` is set at the attacker's first join.
fn connect_and_trickle(id: &str, local: IpAddr, shared: &Shared, joined: &mut bool) -> Visit {
    let Ok(stream) = connect(local, shared) else {
        return Visit::Refused(RETRY);
    };
    let mut reader = BufReader::with_capacity(READ_CHUNK, stream);
    if shared.prompt
        && let Err(visit) = admission(&mut reader, shared)
    {
        return visit;
    }
    let stream = reader.get_ref();
    let id_line = format!("{id}\n");
    let Ok(writer) = stream.try_clone() else {
        return Visit::Refused(RETRY);
    };
    if attack_shared::write_unless_over(stream, id_line.as_bytes(), shared).is_err() {
        return ending(shared);
    }
    Counts::add(&shared.counts.joins);
    if !std::mem::replace(joined, true) {
        shared.first_joined();
    }
    thread::scope(|scope| {
        let pasting = thread::Builder::new()
            .name(format!("paste-{id}"))
            .stack_size(THREAD_STACK)
            .spawn_scoped(scope, || paste(&writer, shared));
        if pasting.is_ok() {
            trickle_read(&mut reader, shared);
        }
        // Wakes the paster (a broken pipe) if the reader saw the end first; harmless otherwise.
        let _ = reader.get_ref().shutdown(Shutdown::Both);
    });
    let visit = ending(shared);
    if visit == Visit::Stopped {
        leave_at_once(reader.get_ref());
    }
    visit
}

/// Makes closing the socket a reset, which throws away the paste still in the kernel's send
/// queue (megabytes, on loopback). A plain close would deliver it all first, and the server
/// would go on reading it at the paced rate for a minute after the run, into the next
/// measurement (the teardown, `--quiet`).
fn leave_at_once(stream: &TcpStream) {
    // NOTE: ignoring errors: at worst the server reads the rest of the paste.
    let _ = SockRef::from(stream).set_linger(Some(Duration::ZERO));
}

fn connect(local: IpAddr, shared: &Shared) -> io::Result<TcpStream> {
    let stream = source::connect_from(local, shared.addr, Some(RECEIVE_BUFFER), CONNECT_TIMEOUT)?;
    stream.set_read_timeout(Some(POLL))?;
    stream.set_write_timeout(Some(POLL))?;
    Ok(stream)
}

/// A connection that ended while the attack was on was dropped by the server.
fn ending(shared: &Shared) -> Visit {
    if shared.over() {
        Visit::Stopped
    } else {
        Visit::Dropped
    }
}

/// Reads the server's first line: the ID prompt lets the attacker in; anything else, or the
/// connection closing, is a refusal.
fn admission(reader: &mut BufReader<TcpStream>, shared: &Shared) -> Result<(), Visit> {
    let mut line = Vec::new();
    loop {
        match reader.read_until(b'\n', &mut line) {
            Ok(_) if line.ends_with(b"\n") => break,
            Ok(_) => return Err(Visit::Refused(RETRY)),
            Err(e) if clock::is_timeout(&e) && shared.over() => return Err(Visit::Stopped),
            Err(e) if clock::is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(Visit::Refused(RETRY)),
        }
    }
    match String::from_utf8_lossy(&line).trim_end() {
        "Enter your ID:" => Ok(()),
        other => Err(Visit::Refused(refusal_wait(other))),
    }
}

/// How long a refusal asks the attacker to wait: the N of `... try again in N s **`, else
/// [`RETRY`].
fn refusal_wait(line: &str) -> Duration {
    let seconds = line
        .split_once("try again in ")
        .and_then(|(_, rest)| rest.split_once(" s"))
        .and_then(|(number, _)| number.parse::<u64>().ok());
    seconds.map_or(RETRY, Duration::from_secs)
}

/// Reads [`READ_CHUNK`] bytes every [`READ_EVERY`] until the connection ends or the attack does.
fn trickle_read(reader: &mut BufReader<TcpStream>, shared: &Shared) {
    let mut chunk = [0u8; READ_CHUNK];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if clock::is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
        if !shared.nap(READ_EVERY) {
            return;
        }
    }
}

/// Writes [`LINE_BYTES`]-byte lines until the connection ends or the attack does. The text is
/// `x`s only, so no healthy client mistakes it for one of its stamped messages.
fn paste(stream: &TcpStream, shared: &Shared) {
    let line = format!("{}\n", "x".repeat(LINE_BYTES));
    while attack_shared::write_unless_over(stream, line.as_bytes(), shared).is_ok() {}
    let _ = stream.shutdown(Shutdown::Both);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_how_long_to_wait() {
        let throttled = "** Too many new connections from your address; try again in 12 s **";
        assert_eq!(refusal_wait(throttled), Duration::from_secs(12));
        assert_eq!(
            refusal_wait("** Too many connections from your address **"),
            RETRY
        );
        assert_eq!(
            refusal_wait("** Server is full (1000 users); try again later **"),
            RETRY
        );
        assert_eq!(refusal_wait("try again in many s"), RETRY);
    }
}
