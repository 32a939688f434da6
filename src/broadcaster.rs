//! The broadcaster thread: the one writer to every joined client's socket.
//!
//! Go counterpart: `func broadcaster()`, ranging over `broadcast chan Message`. Like the original,
//! one thread drains one channel and writes each line to every client except its origin. Unlike
//! it, *everything* a joined client receives travels through this channel (joins, leaves,
//! messages and the replies to its own commands), and only this thread writes to a joined client's
//! socket. That single rule gives every client the same events in the same order and makes
//! interleaved bytes on one socket impossible.
//!
//! Three differences from the original, all measured in docs/performance.md:
//! - **Batching**: after a blocking `recv`, whatever else is already waiting is drained too (up to
//!   [`MAX_BATCH`]), and each client gets all its lines of the batch in one `send`.
//! - **It never waits on a socket**: each member's lines go into its own send queue
//!   ([`crate::send_queue`]) and every `send` is non-blocking. What a socket does not take waits
//!   in order and is retried on the next event, or after [`RETRY_TICK`] when the room is quiet.
//!   A member that stops reading, or cannot keep up with the room, is dropped by the rules of
//!   [`crate::drop_rules`], which look at its progress; the others never wait for it. The Go
//!   original blocks in `fmt.Fprintln`, and one client that stops reading freezes everyone.
//! - **It pushes back when the room owes too much**: while the bytes waiting in all send queues
//!   pass `--room-budget`, it stops taking events from the channel and only retries the sockets
//!   (`over_budget`). The channel is bounded, so the client threads' sends wait, they stop
//!   reading their sockets, and TCP slows the senders: a burst larger than the readers can take
//!   slows whoever sends it, and drops no reader. Memory stays bounded however many members are
//!   stalled, and each stalled one still leaves by the drop rules.
//! - **It never prints**: log lines go to the [`crate::logger`] thread without waiting, so a
//!   paused terminal or a closed pipe cannot stop the room either.

use crate::drop_rules::{Failure, Limits};
use crate::logger::Log;
use crate::protocol;
use crate::room::{Delivery, Member, MemberId, Room, SharedRoom};
use crate::send_queue::{SendQueue, SendQueues};
use crate::trace::{self, Trace};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::net::Shutdown;
use std::sync::Arc;
use std::thread;
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

impl Event {
    /// The event's name, as `--trace` shows it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Joined(_) => "Joined",
            Event::Said { .. } => "Said",
            Event::Reply { .. } => "Reply",
            Event::UsersAsked(_) => "UsersAsked",
            Event::Left(_) => "Left",
            Event::Shutdown => "Shutdown",
        }
    }
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

/// How long the broadcaster sleeps on the channel while some member has bytes waiting, before it
/// tries their sockets again. A member with bytes waiting has a full socket buffer, tens of
/// kilobytes or more behind, so a few milliseconds more cost it nothing visible; the members who
/// keep up are written to at once on every event and never wait for this tick. While nothing
/// waits, the broadcaster sleeps on the channel as long as it is quiet.
pub const RETRY_TICK: Duration = Duration::from_millis(5);

/// Runs until every sender of `events` is gone (the acceptor and every client thread), which is
/// how the server's shutdown ends this thread.
pub fn run(events: Receiver<Event>, room: SharedRoom, limits: Limits, log: Log, trace: Trace) {
    let mut queues = SendQueues::default();
    loop {
        let next = if over_budget(&queues, &limits) {
            // Backpressure: the channel fills up and the client threads wait (see the module doc).
            thread::sleep(RETRY_TICK);
            Err(RecvTimeoutError::Timeout)
        } else if queues.any_waiting() {
            events.recv_timeout(RETRY_TICK)
        } else {
            events.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        // The backlogs are traced after a batch, not on every retry tick while bytes wait.
        let batch = next.is_ok();
        match next {
            Ok(first) => {
                let round = apply_batch(&room, first, &events, &mut queues, &limits);
                round.log.into_iter().for_each(|line| log.line(line));
                trace.step(|| describe_batch(round.events, &round.deliveries));
                queues.push(round.deliveries);
                say_goodbye(round.leavers, &mut queues, &limits);
                if round.shutting_down {
                    shut_down(&room, &mut queues, &limits);
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let failed = queues.flush(&limits);
        drop_failed_members(&room, failed, &mut queues, &limits, &log);
        if batch {
            trace_backlogs(&trace, &room, &queues);
        }
    }
    // Keep draining until the last sender is gone, so no client thread waits on a full channel.
    for _event in events.iter() {}
}

/// True while the bytes waiting in all send queues have reached `--room-budget`: then the
/// broadcaster takes no new events until sockets have taken some. Members that read free the
/// budget as they read, and the room moves at their pace meanwhile, as TCP would; members that
/// take nothing are dropped within `--write-timeout`, and those that stay far behind within
/// `--soft-timeout`, which frees it too.
/// NOTE: a `Shutdown` waits in the channel meanwhile, like every other event.
fn over_budget(queues: &SendQueues, limits: &Limits) -> bool {
    queues.queued_bytes() >= limits.room_budget
}

/// Shutdown's order: everyone has been sent `** Server is shutting down **`; give their sockets
/// up to one write timeout to take it (the room is over, so waiting here holds nobody up), then
/// close every connection so that each client thread's blocking read returns and the thread ends.
fn shut_down(room: &SharedRoom, queues: &mut SendQueues, limits: &Limits) {
    let deadline = Instant::now() + limits.write_timeout;
    loop {
        // NOTE: ignoring failures: every connection is closed below anyway.
        let _ = queues.flush(limits);
        if !queues.any_waiting() || Instant::now() >= deadline {
            break;
        }
        thread::sleep(RETRY_TICK);
    }
    room.lock().admission.close_all();
}

/// What one batch of events asks the broadcaster to do once the lock is released.
#[derive(Default)]
struct Round {
    deliveries: Vec<Delivery>,
    /// Members who left in this batch, with the lines they are still owed.
    leavers: Vec<(MemberId, Member)>,
    /// Server log lines, printed after the lock is released.
    log: Vec<String>,
    shutting_down: bool,
    /// How many events the batch applied, for `--trace`.
    events: usize,
}

/// Applies `first` and whatever else is already waiting, up to [`MAX_BATCH`] events, or
/// [`MAX_BATCH_BYTES`] queued, or until the batch would take the room past `--room-budget`, under
/// one lock, and takes the bytes each member is owed. The buffers emptied since the last batch go
/// back to the room for the new outboxes.
fn apply_batch(
    room: &SharedRoom,
    first: Event,
    events: &Receiver<Event>,
    queues: &mut SendQueues,
    limits: &Limits,
) -> Round {
    let mut room = room.lock();
    room.recycle(&mut queues.spare);
    let mut round = Round::default();
    let mut next = Some(first);
    let mut applied = 0;
    while let Some(event) = next {
        apply(&mut room, event, &mut round);
        applied += 1;
        let outboxes = room.queued_bytes();
        let batch_full = applied == MAX_BATCH
            || outboxes >= MAX_BATCH_BYTES
            || outboxes + queues.queued_bytes() >= limits.room_budget;
        next = if batch_full || round.shutting_down {
            None
        } else {
            events.try_recv().ok()
        };
    }
    round.deliveries = room.take_deliveries();
    round.events = applied;
    round
}

/// `batch of 3 events -> 5 sends, 212 bytes`: one trace line per batch, not per send, so that
/// tracing a busy room costs a line per batch.
fn describe_batch(events: usize, deliveries: &[Delivery]) -> String {
    let bytes: usize = deliveries.iter().map(|d| d.bytes.len()).sum();
    format!(
        "batch of {} -> {}, {}",
        trace::count(events, "event"),
        trace::count(deliveries.len(), "send"),
        trace::count(bytes, "byte")
    )
}

/// `Omar: 4096 bytes waiting`, for each member whose socket did not take everything. Only when
/// tracing: it looks up names under the lock.
fn trace_backlogs(trace: &Trace, room: &SharedRoom, queues: &SendQueues) {
    if !trace.is_on() {
        return;
    }
    for (member, bytes) in queues.backlogs() {
        let id = room.lock().id_of(member).unwrap_or("?").to_string();
        trace.step(|| format!("{id}: {} waiting", trace::count(bytes, "byte")));
    }
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
                round.leavers.push((member, gone));
            }
        }
        Event::Shutdown => {
            room.shut_down();
            round.shutting_down = true;
        }
    }
}

/// Best effort: a leaving member's last lines (say, the answer to a `/users` just before its
/// `/quit`), after whatever it was still owed, in one non-blocking attempt. Its socket closes when
/// the last handle to it is dropped, here or in its thread.
fn say_goodbye(leavers: Vec<(MemberId, Member)>, queues: &mut SendQueues, limits: &Limits) {
    for (member, gone) in leavers {
        let mut queue = queues
            .remove(member)
            .unwrap_or_else(|| SendQueue::new(Arc::clone(&gone.stream)));
        queue.push(gone.into_last_words());
        // NOTE: ignoring errors: the peer may already have closed its side.
        let _ = queue.flush(limits, Instant::now());
    }
}

/// Drops every member whose queue gave up: closes its socket (which also ends its client thread's
/// read), announces `left` to the others, and sends that notice, which may in turn find more
/// members that are not reading. The log lines are sent once the lock is released.
fn drop_failed_members(
    room: &SharedRoom,
    mut failed: Vec<(MemberId, Failure)>,
    queues: &mut SendQueues,
    limits: &Limits,
    log: &Log,
) {
    while !failed.is_empty() {
        let mut lines = Vec::new();
        let deliveries = {
            let mut room = room.lock();
            for (member, failure) in failed {
                queues.remove(member);
                if let Some(gone) = room.remove(member) {
                    lines.push(removal_log(&gone.id, &failure));
                    // NOTE: ignoring errors: the socket may be closed already.
                    let _ = gone.stream.shutdown(Shutdown::Both);
                }
            }
            room.take_deliveries()
        };
        lines.into_iter().for_each(|line| log.line(line));
        queues.push(deliveries);
        failed = queues.flush(limits);
    }
}

fn removal_log(id: &str, failure: &Failure) -> String {
    match failure {
        Failure::NotReading => protocol::log::dropped(id),
        Failure::Behind(bytes) => protocol::log::dropped_behind(id, *bytes),
        Failure::Broken(_) => protocol::log::left(id),
    }
}
