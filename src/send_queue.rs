//! A joined client's send queue: the bytes the broadcaster owes it that its socket has not yet
//! taken, written without ever waiting.
//!
//! Go counterpart: none. The original's broadcaster calls `fmt.Fprintln(conn, msg)`, a blocking
//! write with no deadline, so one client that stops reading freezes the whole room. The Go book's
//! exercise 8.15 asks for the fix used here, which is also what IRC servers ("SendQ exceeded") and
//! NATS ("slow consumer") do: every send is non-blocking ([`SendQueue::flush`] passes
//! `MSG_DONTWAIT` to `send(2)`), and what the kernel does not take waits here, in order. Each
//! attempt tells [`crate::drop_rules`] what the socket took and what is overdue, and the rules
//! decide whether the member is behind or gone. A partly sent line is not a broken stream: its
//! rest goes out first, the next time the socket has room.
//!
//! Only the broadcaster thread touches these queues, so they need no lock: it appends each line
//! straight into its recipients' queues, then sends. The queues exist exactly for the announced
//! members: a queue is added when the broadcaster announces a join and removed when the member
//! leaves, so "everyone but the author" is every queue but one.

use crate::budget::Holder;
use crate::drop_rules::{Failure, Judged, Limits, Watch};
use crate::room::MemberId;
use std::collections::HashMap;
use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;

/// `send(2)` flags: return at once with `WouldBlock` instead of waiting for room in the socket
/// (only for this call: the socket stays blocking for its client thread, which reads it), and
/// report a vanished peer as an error rather than with `SIGPIPE` (std's own writes do the same).
/// std has neither a per-call non-blocking send nor these constants, hence `socket2` and `libc`.
#[cfg(not(target_vendor = "apple"))]
const SEND_FLAGS: libc::c_int = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
/// Apple's headers gained `MSG_NOSIGNAL` only lately (older macOS has none), so there each client
/// socket is set `SO_NOSIGPIPE` instead (`crate::acceptor`), and Rust ignores SIGPIPE anyway.
#[cfg(target_vendor = "apple")]
const SEND_FLAGS: libc::c_int = libc::MSG_DONTWAIT;

/// The largest buffer an empty queue keeps once the room is quiet. While the room is busy, a
/// member's emptied buffer is kept for its next lines whatever its size: allocating and freeing
/// each batch's buffers was a fifth of the broadcaster's time (measured with `perf`). Once the
/// room has been quiet for a moment ([`crate::broadcaster::QUIET`]), buffers that grew past this
/// go back to the allocator ([`SendQueues::give_back_buffers`]), so a burst's peak does not stay
/// allocated for the members' lifetime.
pub const KEPT_BUFFER: usize = 64 * 1024;

/// Bytes owed to one member, oldest first.
pub struct SendQueue {
    stream: Arc<TcpStream>,
    /// Waiting bytes start at `bytes[sent]`; the prefix has gone out already.
    bytes: Vec<u8>,
    sent: usize,
    /// Where the waiting bytes ended at the previous attempt: those before it are overdue.
    due: usize,
    /// Since when bytes have been waiting without a break, for the budget's grace.
    waiting_since: Option<Instant>,
    /// What the drop rules remember about this member.
    watch: Watch,
}

impl SendQueue {
    pub fn new(stream: Arc<TcpStream>) -> SendQueue {
        SendQueue {
            stream,
            bytes: Vec::new(),
            sent: 0,
            due: 0,
            waiting_since: None,
            watch: Watch::default(),
        }
    }

    /// Appends `line` and its newline after everything already waiting. Nothing is refused here:
    /// how much may wait is for the rules to judge once the socket has had its chance, and the
    /// room-wide budget bounds the total.
    pub fn append(&mut self, line: &str) {
        let full = self.bytes.len() + line.len() + 1 > self.bytes.capacity();
        if full && self.sent >= self.bytes.len() / 2 {
            self.compact();
        }
        self.bytes.extend_from_slice(line.as_bytes());
        self.bytes.push(b'\n');
    }

    /// Moves the waiting bytes to the front, over those already sent. Whole lines only: the line
    /// under way stays, so that it is known to be under way.
    fn compact(&mut self) {
        let line_start = self.bytes[..self.sent]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |newline| newline + 1);
        self.bytes.drain(..line_start);
        self.due = self.due.saturating_sub(line_start);
        self.sent -= line_start;
    }

    /// Keeps only the rest of the line under way (the next line, if none is), then `line`: the
    /// last words for a member who will not read the rest in time. Nothing is cut in the middle
    /// of a line, and what is cut goes back to the allocator at once.
    pub fn cut_to(&mut self, line: &str) {
        let rest_of_line = self.bytes[self.sent..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(0, |end| end + 1);
        self.bytes.truncate(self.sent + rest_of_line);
        self.compact();
        self.bytes.shrink_to_fit();
        self.append(line);
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.sent == self.bytes.len()
    }

    /// Bytes waiting.
    pub fn backlog(&self) -> usize {
        self.bytes.len() - self.sent
    }

    /// Sends as much as the socket takes right now, never waiting, then lets the drop rules judge
    /// what it took and what is overdue.
    pub fn flush(&mut self, limits: &Limits, now: Instant) -> Result<(), Failure> {
        let before = self.sent;
        self.send_what_fits().map_err(Failure::Broken)?;
        let found = Judged {
            progressed: self.sent > before,
            waiting: self.backlog(),
            overdue: self.due.saturating_sub(self.sent),
        };
        self.due = self.bytes.len();
        if self.is_empty() {
            self.start_over();
        } else {
            self.waiting_since.get_or_insert(now);
        }
        self.watch.judge(found, limits, now)
    }

    /// One `send` after another until everything is sent or the socket is full.
    fn send_what_fits(&mut self) -> io::Result<()> {
        let socket = socket2::SockRef::from(&*self.stream);
        while !self.is_empty() {
            match socket.send_with_flags(&self.bytes[self.sent..], SEND_FLAGS) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Empties the sent buffer, kept for the next lines.
    fn start_over(&mut self) {
        self.sent = 0;
        self.due = 0;
        self.waiting_since = None;
        self.bytes.clear();
    }
}

/// Every announced member's queue, and how many bytes wait in all of them together.
#[derive(Default)]
pub struct SendQueues {
    queues: HashMap<MemberId, SendQueue>,
    /// Bytes waiting in all queues together, held against `--room-budget` by the broadcaster.
    queued_bytes: usize,
}

impl SendQueues {
    /// Starts a queue for a member the broadcaster has just announced.
    pub fn add(&mut self, member: MemberId, stream: Arc<TcpStream>) {
        self.queues.insert(member, SendQueue::new(stream));
    }

    /// Whether `member` is announced and not gone: only such a member's lines are delivered.
    pub fn contains(&self, member: MemberId) -> bool {
        self.queues.contains_key(&member)
    }

    /// Queues a line for one member, if it is still there.
    pub fn append(&mut self, member: MemberId, line: &str) {
        if let Some(queue) = self.queues.get_mut(&member) {
            queue.append(line);
            self.queued_bytes += line.len() + 1;
        }
    }

    /// Queues a line for every member except `except`.
    pub fn append_all(&mut self, except: Option<MemberId>, line: &str) {
        for (member, queue) in &mut self.queues {
            if Some(*member) != except {
                queue.append(line);
                self.queued_bytes += line.len() + 1;
            }
        }
    }

    /// Sends what every waiting member's socket takes right now; returns the members to drop.
    pub fn flush(&mut self, limits: &Limits) -> Vec<(MemberId, Failure)> {
        let now = Instant::now();
        let mut failed = Vec::new();
        for (member, queue) in self.queues.iter_mut().filter(|(_, q)| !q.is_empty()) {
            let before = queue.backlog();
            let result = queue.flush(limits, now);
            self.queued_bytes -= before - queue.backlog();
            if let Err(failure) = result {
                failed.push((*member, failure));
            }
        }
        failed
    }

    /// True while some member has bytes waiting, which is when the broadcaster must wake up to
    /// retry even if no event arrives.
    pub fn any_waiting(&self) -> bool {
        self.queued_bytes > 0
    }

    /// Bytes waiting in all queues together.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Every member whose bytes have waited through at least one attempt, for the budget.
    pub fn holders(&self) -> Vec<Holder> {
        self.queues
            .iter()
            .filter_map(|(member, queue)| {
                Some(Holder {
                    member: *member,
                    bytes: queue.backlog(),
                    since: queue.waiting_since?,
                })
            })
            .collect()
    }

    /// How many members have bytes waiting.
    pub fn waiting(&self) -> usize {
        self.queues
            .values()
            .filter(|queue| !queue.is_empty())
            .count()
    }

    /// Forgets a member that left or was dropped, returning what it was still owed.
    pub fn remove(&mut self, member: MemberId) -> Option<SendQueue> {
        let queue = self.queues.remove(&member)?;
        self.queued_bytes -= queue.backlog();
        Some(queue)
    }

    /// Gives back the buffers of empty queues that grew past [`KEPT_BUFFER`]: for when the room
    /// is quiet.
    pub fn give_back_buffers(&mut self) {
        for queue in self.queues.values_mut() {
            if queue.is_empty() && queue.bytes.capacity() > KEPT_BUFFER {
                queue.bytes = Vec::new();
            }
        }
    }

    /// Forgets every member, returning their queues: the server is stopping.
    pub fn take_all(&mut self) -> Vec<(MemberId, SendQueue)> {
        self.queued_bytes = 0;
        self.queues.drain().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::time::Duration;

    /// A queue on a loopback connection whose peer never reads, with small kernel buffers so
    /// that a few hundred KiB are enough to fill them. Returns the peer too, to keep it open.
    fn queue_to_a_stalled_peer() -> (SendQueue, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        socket2::SockRef::from(&peer)
            .set_recv_buffer_size(4096)
            .unwrap();
        let (ours, _) = listener.accept().unwrap();
        socket2::SockRef::from(&ours)
            .set_send_buffer_size(4096)
            .unwrap();
        (SendQueue::new(Arc::new(ours)), peer)
    }

    const LIMITS: Limits = Limits {
        write_timeout: Duration::from_secs(2),
        soft_backlog: 256 * 1024,
        soft_timeout: Duration::from_secs(10),
        max_backlog: 1024 * 1024,
        room_budget: 64 * 1024 * 1024,
    };

    #[test]
    fn bytes_the_socket_cannot_take_wait_until_the_write_timeout() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.append(&"x".repeat(128 * 1024));
        let start = Instant::now();
        assert!(
            queue.flush(&LIMITS, start).is_ok(),
            "a first full socket is no failure"
        );
        assert!(queue.backlog() > 0 && queue.backlog() < 128 * 1024);
        let almost = start + LIMITS.write_timeout - Duration::from_millis(1);
        assert!(queue.flush(&LIMITS, almost).is_ok());
        // The kernel may still move a few bytes towards the peer's buffer, and any progress
        // restarts the clock; once it cannot, one write timeout later the member is given up on.
        let mut now = almost;
        for _ in 0..10 {
            now += LIMITS.write_timeout;
            if let Err(failure) = queue.flush(&LIMITS, now) {
                assert!(matches!(failure, Failure::NotReading), "{failure:?}");
                return;
            }
        }
        panic!("a peer that never reads was never given up on");
    }

    /// The pass that queues a batch far past the hard limit does not judge it; the next one
    /// does, once the socket has had its chance and took only what fits.
    #[test]
    fn a_batch_past_the_hard_limit_is_judged_on_the_next_pass_only() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.append(&"x".repeat(2 * LIMITS.max_backlog));
        let first = queue.flush(&LIMITS, Instant::now());
        assert!(
            first.is_ok(),
            "judged in the pass that queued it: {first:?}"
        );
        let second = queue.flush(&LIMITS, Instant::now());
        assert!(matches!(second, Err(Failure::Behind(_))), "{second:?}");
    }

    /// Bytes queued since the last attempt are not overdue yet, however many.
    #[test]
    fn only_bytes_that_waited_a_pass_are_overdue() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.append(&"x".repeat(64 * 1024));
        assert!(queue.flush(&LIMITS, Instant::now()).is_ok());
        queue.append(&"y".repeat(4 * LIMITS.max_backlog));
        let result = queue.flush(&LIMITS, Instant::now());
        assert!(result.is_ok(), "{result:?}");
    }

    /// The room-wide count, which `--room-budget` is held against, follows every byte: pushed,
    /// taken by the socket, and forgotten with its member.
    #[test]
    fn the_room_wide_count_follows_pushes_sends_and_removals() {
        let (queue, _peer) = queue_to_a_stalled_peer();
        let mut queues = SendQueues::default();
        queues.add(1, Arc::clone(&queue.stream));
        queues.append(1, &"x".repeat(256 * 1024 - 1));
        assert_eq!(queues.queued_bytes(), 256 * 1024);
        assert!(queues.flush(&LIMITS).is_empty());
        let [holder] = queues.holders()[..] else {
            panic!("member 1 still has bytes waiting");
        };
        let waiting = holder.bytes;
        assert!(waiting < 256 * 1024, "the socket took some");
        assert_eq!(queues.queued_bytes(), waiting);
        queues.remove(1);
        assert_eq!(queues.queued_bytes(), 0);
    }

    #[test]
    fn pushed_lines_keep_their_order_behind_what_waits() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.append("one");
        queue.append("two");
        assert_eq!(&queue.bytes[queue.sent..], b"one\ntwo\n");
    }

    /// Last words never cut a line in two: the rest of the line under way goes first.
    #[test]
    fn cutting_keeps_the_rest_of_the_line_under_way_then_the_last_words() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.append("one");
        queue.append("two");
        queue.sent = 2;
        queue.cut_to("bye");
        assert_eq!(&queue.bytes[queue.sent..], b"e\nbye\n");
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.append("one");
        queue.append("two");
        queue.sent = 5;
        queue.append("three");
        queue.cut_to("bye");
        assert_eq!(
            &queue.bytes[queue.sent..],
            b"wo\nbye\n",
            "after compacting too"
        );
    }

    /// An emptied buffer is kept for the next lines; once the room is quiet, a big one goes
    /// back and a small one stays.
    #[test]
    fn big_buffers_go_back_once_the_room_is_quiet() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let _peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (ours, _) = listener.accept().unwrap();
        let mut queues = SendQueues::default();
        queues.add(1, Arc::new(ours));
        let capacity = |queues: &SendQueues| queues.queues[&1].bytes.capacity();
        queues.append(1, "hello");
        assert!(queues.flush(&LIMITS).is_empty());
        queues.give_back_buffers();
        assert!(capacity(&queues) > 0, "a small buffer is kept");
        queues.append(1, &"x".repeat(2 * KEPT_BUFFER));
        while queues.any_waiting() {
            assert!(queues.flush(&LIMITS).is_empty());
        }
        assert!(
            capacity(&queues) > KEPT_BUFFER,
            "kept while the room is busy"
        );
        queues.give_back_buffers();
        assert_eq!(capacity(&queues), 0, "given back once it is quiet");
    }
}
