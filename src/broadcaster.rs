//! The broadcaster thread: the one writer to every joined client's socket.
//!
//! Go counterpart: `func broadcaster()`, ranging over `broadcast chan Message`. Like the original,
//! one thread drains one channel and writes each line to every client except its origin. Unlike
//! it, *everything* a joined client receives travels through this channel (joins, leaves,
//! messages and the replies to its own commands), and only this thread writes to a joined client's
//! socket. That single rule gives every client the same events in the same order and makes
//! interleaved bytes on one socket impossible.
//!
//! A line's way through it: [`Event::Said`] arrives; the line is appended to the send queue of
//! every member but its author ([`crate::send_queue`], owned by this thread, so no lock); once the
//! batch is applied, every queue is sent without waiting. The room's lock is taken only for what
//! the threads share: announcing a join, removing a member, listing the users.
//!
//! The differences from the original, all measured in docs/performance.md:
//! - **Batching**: after a blocking `recv`, whatever else is already waiting is drained too (up to
//!   [`MAX_BATCH`]), and each client gets all its lines of the batch in one `send`.
//! - **It never waits on a socket**: every `send` is non-blocking; what a socket does not take
//!   waits in order and is retried on the next event, or after [`RETRY_TICK`] when the room is
//!   quiet. A member that stops reading, or cannot keep up with the room, is dropped by the rules
//!   of [`crate::drop_rules`], which look at its progress; the others never wait for it. The Go
//!   original blocks in `fmt.Fprintln`, and one client that stops reading freezes everyone.
//! - **Its memory is bounded** by `--room-budget` ([`crate::budget`]): over it, the broadcaster
//!   takes no events for a moment (the channel fills, the client threads wait, TCP slows the
//!   senders), and if that does not bring the room under its budget within the grace, the members
//!   holding the most are shed.
//! - **A stop cannot be held**: the broadcaster looks at the stop signal on every pass, so the
//!   notice never waits behind a full channel, and it gives the notice a bounded time
//!   ([`STOP_GRACE`]).
//! - **It never prints**: log lines go to the [`crate::logger`] thread without waiting, so a
//!   paused terminal or a closed pipe cannot stop the room either.

use crate::budget;
use crate::drop_rules::{Failure, Limits};
use crate::farewell::Farewells;
use crate::logger::Log;
use crate::protocol;
use crate::room::{MemberId, SharedRoom};
use crate::send_queue::{SendQueue, SendQueues};
use crate::stop_signal::StopSignal;
use crate::trace::{self, Trace};
use crossbeam_channel::{Receiver, RecvTimeoutError, select};
use std::net::Shutdown;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Something that happened, sent by a client thread to the broadcaster. The channel's order is
/// the room's order: the broadcaster applies events one by one.
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
        }
    }
}

/// How many events may wait in the channel. When it is full, a client thread's `send` waits, so
/// it stops reading its socket, and TCP pushes back on that client: a flooding client slows itself,
/// not the server's memory. (Go's `make(chan Message)` is unbuffered, so the original pushes back
/// too, on every send.) At most this many lines of at most `--max-line` bytes wait here: 4 MiB
/// with the defaults. An unbounded channel would grow without limit whenever the broadcaster falls
/// behind.
pub const CHANNEL_CAPACITY: usize = 1024;

/// The most events turned into one round of writes. Large enough that a busy room needs few
/// writes per client; small enough that the first event of a batch is not held back long while
/// the lines of hundreds of others are queued behind it. A batch also ends when the queues reach
/// `--room-budget`, which bounds a join storm's memory (in a room of 10,000, one join costs about
/// 500 KB: its notice to everyone, and the newcomer's user list).
pub const MAX_BATCH: usize = 256;

/// How long the broadcaster sleeps on the channel while some member has bytes waiting, before it
/// tries their sockets again. A member with bytes waiting has a full socket buffer, tens of
/// kilobytes or more behind, so a few milliseconds more cost it nothing visible; the members who
/// keep up are written to at once on every event and never wait for this tick. While nothing
/// waits, the broadcaster sleeps on the channel as long as it is quiet.
pub const RETRY_TICK: Duration = Duration::from_millis(5);

/// How long the room must have been quiet, nothing waiting for anyone and no event, before the
/// send queues give their big buffers back (`SendQueues::give_back_buffers`). A busy room keeps
/// them, and refilling a buffer it just gave back would cost it page faults on every burst.
pub const QUIET: Duration = Duration::from_secs(1);

/// How long a stop gives its notice to reach everyone; whoever has not taken it by then is named in
/// the log and closed. One second: the whole stop, logger included, stays within the two seconds
/// a service manager or a person pressing Ctrl-C will wait.
pub const STOP_GRACE: Duration = Duration::from_secs(1);

/// What waiting for an event gives: an event, or a timeout.
type Received = Result<Event, RecvTimeoutError>;

/// The broadcaster's own state: nothing here is shared, so nothing here needs a lock.
struct Broadcaster {
    room: SharedRoom,
    /// What each announced member is owed.
    queues: SendQueues,
    /// The last bytes of members who are leaving.
    farewells: Farewells,
    limits: Limits,
    log: Log,
    trace: Trace,
}

/// Runs until the server stops: then tells everyone, closes every connection, and drains the
/// channel until every sender of `events` is gone (the acceptor and every client thread), so no
/// client thread waits on a full channel.
pub fn run(
    events: Receiver<Event>,
    room: SharedRoom,
    limits: Limits,
    log: Log,
    trace: Trace,
    stop: Arc<StopSignal>,
) {
    let mut broadcaster = Broadcaster {
        room,
        queues: SendQueues::default(),
        farewells: Farewells::default(),
        limits,
        log,
        trace,
    };
    while !stop.is_raised() {
        match broadcaster.next_event(&events, &stop) {
            Some(Ok(first)) => broadcaster.apply_batch(first, &events),
            Some(Err(_)) => broadcaster.send(),
            None => break,
        }
    }
    broadcaster.shut_down();
    for _event in events.iter() {}
}

impl Broadcaster {
    /// Waits for the next event, or a timeout (`Err`), or the stop (`None`): Go's `select` over
    /// the event channel, `done` and a timer. It takes no event while the room pushes back (the
    /// channel fills up and the client threads wait, see [`crate::budget`]); it waits a
    /// [`RETRY_TICK`] while bytes wait, and otherwise [`QUIET`], after which a quiet room gives a
    /// burst's big buffers back.
    fn next_event(&mut self, events: &Receiver<Event>, stop: &StopSignal) -> Option<Received> {
        if self.pushes_back() {
            return (!stop.sleep(RETRY_TICK)).then_some(Err(RecvTimeoutError::Timeout));
        }
        let busy = self.queues.any_waiting() || !self.farewells.is_empty();
        select! {
            // Every sender gone (only after the stop, or if the acceptor died): as good as a stop.
            recv(events) -> event => event.ok().map(Ok),
            recv(stop.done()) -> _ => None,
            default(if busy { RETRY_TICK } else { QUIET }) => {
                if !busy {
                    self.queues.give_back_buffers();
                }
                Some(Err(RecvTimeoutError::Timeout))
            }
        }
    }

    /// Holds the room to its budget ([`crate::budget`]): sheds the biggest holders past their
    /// grace, or, if every holder is still within it, pushes back (returns true).
    fn pushes_back(&mut self) -> bool {
        let queued = self.queues.queued_bytes();
        if queued < self.limits.room_budget {
            return false; // The common case, without a look at every queue.
        }
        let holders = self.queues.holders();
        let shed = budget::to_shed(self.limits.room_budget, queued, holders, Instant::now());
        for holder in &shed {
            self.remove(holder.member, Some(Failure::Shed(holder.bytes)));
        }
        shed.is_empty()
    }

    /// Applies `first` and whatever else is already waiting, up to [`MAX_BATCH`] events or until
    /// the queues reach `--room-budget`, then sends.
    fn apply_batch(&mut self, first: Event, events: &Receiver<Event>) {
        let queued_before = self.queues.queued_bytes();
        let mut next = Some(first);
        let mut applied = 0;
        while let Some(event) = next {
            self.apply(event);
            applied += 1;
            let batch_full =
                applied == MAX_BATCH || self.queues.queued_bytes() >= self.limits.room_budget;
            next = if batch_full {
                None
            } else {
                events.try_recv().ok()
            };
        }
        let queued = self.queues.queued_bytes().saturating_sub(queued_before);
        self.trace
            .step(|| describe_batch(applied, self.queues.waiting(), queued));
        self.send();
        self.trace_backlogs();
    }

    /// Applies one event: membership changes, and lines appended to the recipients' queues.
    fn apply(&mut self, event: Event) {
        match event {
            Event::Joined(member) => self.announce(member),
            Event::Said { from, line } => {
                // A line read after its author was dropped is never delivered after its `left`.
                if self.queues.contains(from) {
                    self.queues.append_all(Some(from), &line);
                }
            }
            Event::Reply { to, line } => self.queues.append(to, &line),
            Event::UsersAsked(member) => {
                let line = self.room.lock().users_line();
                self.queues.append(member, &line);
            }
            Event::Left(member) => self.remove(member, None),
        }
    }

    /// Announces a claimed member: the others get its join notice, it gets the list of everyone
    /// already there, and from now on it receives what the room says.
    fn announce(&mut self, member: MemberId) {
        let Some(newcomer) = self.room.lock().announce(member) else {
            return;
        };
        self.queues
            .append_all(None, &protocol::joined_line(&newcomer.id));
        self.queues.add(member, newcomer.stream);
        self.queues.append(member, &newcomer.welcome);
        self.log.line(protocol::log::joined(&newcomer.id));
    }

    /// Removes a member, for leaving (`why` is `None`) or for a failure: frees its ID, tells the
    /// others, and closes its socket, at once or after a farewell (see [`crate::farewell`]).
    fn remove(&mut self, member: MemberId, why: Option<Failure>) {
        let Some(gone) = self.room.lock().remove(member) else {
            return;
        };
        let queue = self.queues.remove(member);
        if gone.was_announced() {
            self.queues.append_all(None, &protocol::left_line(&gone.id));
        }
        self.log.line(removal_log(&gone.id, why.as_ref()));
        let farewell_deadline = Instant::now() + self.limits.write_timeout;
        match (why, queue) {
            // What it is still owed, such as the answer to a `/users` just before its `/quit`.
            (None, Some(queue)) => self.farewells.add(gone.id, queue, farewell_deadline),
            (Some(Failure::Shed(_)), Some(mut queue)) => {
                // Its client thread's read ends now; the socket closes after the farewell.
                // NOTE: ignoring errors: the socket may be closed already.
                let _ = gone.stream.shutdown(Shutdown::Read);
                queue.cut_to(protocol::SHED);
                self.farewells.add(gone.id, queue, farewell_deadline);
            }
            // Its client thread's read ends too, and so does the thread.
            // NOTE: ignoring errors: the socket may be closed already.
            _ => drop(gone.stream.shutdown(Shutdown::Both)),
        }
    }

    /// Sends what every socket takes now and drops the members the rules give up on, whose
    /// `left` notices may in turn find more; then moves the farewells on.
    fn send(&mut self) {
        loop {
            let failed = self.queues.flush(&self.limits);
            if failed.is_empty() {
                break;
            }
            for (member, failure) in failed {
                self.remove(member, Some(failure));
            }
        }
        // NOTE: a farewell that runs out of time is closed unsaid; only the stop's are logged.
        let _late = self.farewells.flush(&self.limits, Instant::now());
    }

    /// Shutdown's order: every member is sent `** Server is shutting down **` after what it is
    /// still owed, for up to [`STOP_GRACE`]; whoever has not taken it by then is named in the
    /// log. Then every connection is closed, so that every client thread's blocking read returns
    /// and the thread ends.
    fn shut_down(mut self) {
        let deadline = Instant::now() + STOP_GRACE;
        // Farewells already under way end with the room: their sockets close as they are dropped.
        self.farewells = Farewells::default();
        let everyone: Vec<(String, SendQueue)> = {
            let mut room = self.room.lock();
            // Members whose join is still in the channel have no queue yet: they are told too.
            let unannounced = room.shut_down().into_iter();
            let unannounced = unannounced.map(|(id, stream)| (id, SendQueue::new(stream)));
            let announced = self.queues.take_all().into_iter();
            let announced = announced.map(|(member, queue)| (room.id_or_unknown(member), queue));
            announced.chain(unannounced).collect()
        };
        for (id, mut queue) in everyone {
            queue.append(protocol::SHUTTING_DOWN);
            self.farewells.add(id, queue, deadline);
        }
        while !self.farewells.is_empty() {
            for id in self.farewells.flush(&self.limits, Instant::now()) {
                self.log.line(protocol::log::not_told(&id));
            }
            thread::sleep(RETRY_TICK);
        }
        self.room.lock().admission.close_all();
    }

    /// `Omar: 4096 bytes waiting`, for each member whose socket did not take everything. Only when
    /// tracing: it looks up names under the lock.
    fn trace_backlogs(&self) {
        if !self.trace.is_on() {
            return;
        }
        for holder in self.queues.holders() {
            let id = self.room.lock().id_or_unknown(holder.member);
            let bytes = trace::count(holder.bytes, "byte");
            self.trace.step(|| format!("{id}: {bytes} waiting"));
        }
    }
}

/// `batch of 3 events -> 5 sends, 212 bytes`: one trace line per batch, not per send, so that
/// tracing a busy room costs a line per batch.
fn describe_batch(events: usize, sends: usize, bytes: usize) -> String {
    format!(
        "batch of {} -> {}, {}",
        trace::count(events, "event"),
        trace::count(sends, "send"),
        trace::count(bytes, "byte")
    )
}

fn removal_log(id: &str, why: Option<&Failure>) -> String {
    match why {
        None | Some(Failure::Broken(_)) => protocol::log::left(id),
        Some(Failure::NotReading) => protocol::log::dropped(id),
        Some(Failure::Behind(bytes)) => protocol::log::dropped_behind(id, *bytes),
        Some(Failure::Shed(bytes)) => protocol::log::dropped_holding(id, *bytes),
    }
}
