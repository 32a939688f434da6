//! The broadcaster thread: the one writer to every joined client's socket.
//!
//! Go counterpart: `func broadcaster()`, ranging over `broadcast chan Message`. Like the original,
//! one thread drains one channel and writes each line to every client except its origin. Unlike
//! it, *everything* a joined client receives travels through this channel (joins, leaves,
//! messages and the replies to its own commands), and only this thread writes to a joined client's
//! socket. That single rule gives every client the same events in the same order and makes
//! interleaved bytes on one socket impossible.
//!
//! Two differences from the original, both measured in docs/performance.md:
//! - **Batching**: after a blocking `recv`, whatever else is already waiting is drained too (up to
//!   [`MAX_BATCH`]), and each client gets all its lines of the batch in one write.
//! - **Slow consumers are dropped**: a write that does not finish within the write timeout drops
//!   that client instead of freezing the room, as the Go original does.

use crate::protocol;
use crate::room::{Delivery, MemberId, Room, SharedRoom};
use crossbeam_channel::Receiver;
use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Something that happened, sent by a client thread (or the acceptor, for `Shutdown`) to the
/// broadcaster. The channel's order is the room's order: the broadcaster applies events one by one.
pub enum Event {
    /// A member has claimed its ID and waits to be announced.
    Joined(MemberId),
    /// A chat line, already formatted as `[id]: text`, for everyone but its author.
    Said { from: MemberId, line: String },
    /// A line for one member only (a command's answer, a "line too long" notice).
    Reply { to: MemberId, line: String },
    /// `/users`: answered here, so the list matches the events the asker has seen so far.
    UsersAsked(MemberId),
    /// The member's connection ended (`/quit`, end of stream or a read error).
    Left(MemberId),
    /// The server is stopping: tell everyone, close every connection.
    Shutdown,
}

/// How many events may wait in the channel. When it is full, a client thread's `send` waits, so
/// it stops reading its socket, and TCP pushes back on that client: a flooding client slows itself,
/// not the server's memory. (Go's `make(chan Message)` is unbuffered, so the original pushes back
/// too, on every send.) At most this many lines of at most `--max-line` bytes wait here: 4 MiB
/// with the defaults. An unbounded channel would grow without limit whenever the broadcaster falls
/// behind, say while it waits out a stalled client's write timeout.
pub const CHANNEL_CAPACITY: usize = 1024;

/// The most events turned into one round of writes. Large enough that a busy room needs few
/// writes per client; small enough that the first event of a batch is not held back long while
/// the lines of hundreds of others are queued behind it.
pub const MAX_BATCH: usize = 256;

/// A batch also ends once its lines, summed over every recipient, reach this many bytes. In a room
/// of 10,000, one join costs about 500 KB (its notice to everyone, and the newcomer's user list),
/// so 256 joins at once would hold over 100 MB of outboxes; this bound keeps a join storm's memory
/// flat while a chatty room of a few hundred still gets full batches.
pub const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;

/// Runs until every sender of `events` is gone (the acceptor and every client thread), which is
/// how the server's shutdown ends this thread.
pub fn run(events: Receiver<Event>, room: SharedRoom, write_timeout: Duration) {
    while let Ok(first) = events.recv() {
        let round = apply_batch(&room, first, &events);
        // NOTE: a server whose standard output is a pipe that nobody reads stalls here, as the Go
        // original would; a terminal or a file never fills.
        for line in &round.log {
            println!("{line}");
        }
        let failed = deliver(round.deliveries, write_timeout);
        say_goodbye(round.leavers, write_timeout);
        if round.shutting_down {
            // Shutdown's order: everyone has been told (above); now close every connection so
            // that each client thread's blocking read returns and the thread ends.
            room.lock().close_all();
            break;
        }
        drop_failed_members(&room, failed, write_timeout);
    }
    // Keep draining until the last sender is gone, so no client thread ever fails to send.
    for _event in events.iter() {}
}

/// What one batch of events asks the broadcaster to do once the lock is released.
#[derive(Default)]
struct Round {
    deliveries: Vec<Delivery>,
    /// Members who left in this batch, with the lines they are still owed.
    leavers: Vec<(Arc<TcpStream>, Vec<u8>)>,
    /// Server log lines, printed after the lock is released.
    log: Vec<String>,
    shutting_down: bool,
}

/// Applies `first` and whatever else is already waiting, up to [`MAX_BATCH`] events or
/// [`MAX_BATCH_BYTES`] queued, under one lock, and takes the bytes each member is owed.
fn apply_batch(room: &SharedRoom, first: Event, events: &Receiver<Event>) -> Round {
    let mut room = room.lock();
    let mut round = Round::default();
    let mut next = Some(first);
    let mut applied = 0;
    while let Some(event) = next {
        apply(&mut room, event, &mut round);
        applied += 1;
        let batch_full = applied == MAX_BATCH || room.queued_bytes() >= MAX_BATCH_BYTES;
        next = if batch_full || round.shutting_down {
            None
        } else {
            events.try_recv().ok()
        };
    }
    round.deliveries = room.take_deliveries();
    round
}

/// Applies one event to the room: membership changes, and lines queued in members' outboxes.
fn apply(room: &mut Room, event: Event, round: &mut Round) {
    match event {
        Event::Joined(member) => {
            if let Some(id) = room.announce(member) {
                round.log.push(protocol::log::joined(&id));
            }
        }
        Event::Said { from, line } => room.queue_message(from, &line),
        Event::Reply { to, line } => room.queue_reply(to, &line),
        Event::UsersAsked(member) => {
            let line = room.users_line();
            room.queue_reply(member, &line);
        }
        Event::Left(member) => {
            if let Some(gone) = room.remove(member) {
                round.log.push(protocol::log::left(&gone.id));
                round.leavers.push(gone.into_last_words());
            }
        }
        Event::Shutdown => {
            room.queue_for_all(None, protocol::SHUTTING_DOWN);
            round.shutting_down = true;
        }
    }
}

/// Writes each delivery and returns the members whose socket failed, with the reason.
fn deliver(deliveries: Vec<Delivery>, write_timeout: Duration) -> Vec<(MemberId, io::Error)> {
    deliveries
        .into_iter()
        .filter_map(|d| {
            let result = write_within(&d.stream, &d.bytes, write_timeout);
            result.err().map(|error| (d.member, error))
        })
        .collect()
}

/// Best effort: a leaving member's last lines (say, the answer to a `/users` just before its
/// `/quit`). Its socket closes when the last handle to it is dropped, here or in its thread.
fn say_goodbye(leavers: Vec<(Arc<TcpStream>, Vec<u8>)>, write_timeout: Duration) {
    for (stream, bytes) in leavers {
        if !bytes.is_empty() {
            // NOTE: ignoring errors: the peer may already have closed its side.
            let _ = write_within(&stream, &bytes, write_timeout);
        }
    }
}

/// Drops every member whose write failed: closes its socket (which also ends its client thread's
/// read), announces `left` to the others, and delivers that notice, which may in turn find more
/// members that are not reading. A timeout means the peer stopped reading; any other error means
/// the connection is already gone, and is logged as an ordinary leave.
fn drop_failed_members(
    room: &SharedRoom,
    mut failed: Vec<(MemberId, io::Error)>,
    write_timeout: Duration,
) {
    while !failed.is_empty() {
        let deliveries = {
            let mut room = room.lock();
            for (member, error) in failed {
                if let Some(gone) = room.remove(member) {
                    println!("{}", removal_log(&gone.id, &error));
                    // NOTE: ignoring errors: the socket may be closed already.
                    let _ = gone.stream.shutdown(Shutdown::Both);
                }
            }
            room.take_deliveries()
        };
        failed = deliver(deliveries, write_timeout);
    }
}

fn removal_log(id: &str, error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => protocol::log::dropped(id),
        _ => protocol::log::left(id),
    }
}

/// Writes all of `bytes` or fails, spending at most about `limit` on this socket. The socket's own
/// write timeout (set when the client joined) bounds each `write` call; after a partial write the
/// timeout is shortened to what is left, so a client that drains a trickle cannot stretch the wait.
/// A partial line left behind means the stream is broken, which is why the caller drops the member.
fn write_within(stream: &TcpStream, bytes: &[u8], limit: Duration) -> io::Result<()> {
    let deadline = Instant::now() + limit;
    let mut stream_ref = stream;
    let mut written = 0;
    let mut shortened = false;
    while written < bytes.len() {
        match stream_ref.write(&bytes[written..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if written < bytes.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            stream.set_write_timeout(Some(left))?;
            shortened = true;
        }
    }
    if shortened {
        stream.set_write_timeout(Some(limit))?;
    }
    Ok(())
}
