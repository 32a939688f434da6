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
//! Only the broadcaster thread touches these queues, so they need no lock.

use crate::buffer_pool::BufferPool;
use crate::drop_rules::{Failure, Judged, Limits, Watch};
use crate::room::{Delivery, MemberId};
use std::collections::{HashMap, HashSet};
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

/// Bytes owed to one member, oldest first.
pub struct SendQueue {
    stream: Arc<TcpStream>,
    /// Waiting bytes start at `bytes[sent]`; the prefix has gone out already.
    bytes: Vec<u8>,
    sent: usize,
    /// Where the waiting bytes ended at the previous attempt: those before it are overdue.
    due: usize,
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
            watch: Watch::default(),
        }
    }

    /// Appends lines to send after everything already waiting. An empty queue takes `more` as it
    /// is, without copying. Nothing is refused here: how much may wait is for the rules to judge
    /// once the socket has had its chance, and the room-wide budget bounds the total. Returns the
    /// buffer it did not keep, for reuse.
    pub fn push(&mut self, more: Vec<u8>) -> Option<Vec<u8>> {
        if self.is_empty() {
            let emptied = std::mem::replace(&mut self.bytes, more);
            self.sent = 0;
            self.due = 0;
            return Some(emptied);
        }
        if self.sent > self.bytes.len() / 2 {
            self.bytes.drain(..self.sent);
            self.due = self.due.saturating_sub(self.sent);
            self.sent = 0;
        }
        self.bytes.extend_from_slice(&more);
        Some(more)
    }

    /// The emptied buffer, for reuse: a member's biggest batch does not stay allocated for its
    /// lifetime.
    fn take_buffer(&mut self) -> Vec<u8> {
        self.sent = 0;
        self.due = 0;
        std::mem::take(&mut self.bytes)
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
}

/// Every joined member's queue, which of them have bytes waiting, and how many bytes wait in all.
#[derive(Default)]
pub struct SendQueues {
    queues: HashMap<MemberId, SendQueue>,
    /// The members whose queue is not empty: the only ones a retry needs to visit.
    waiting: HashSet<MemberId>,
    /// Bytes waiting in all queues together, held against `--room-budget` by the broadcaster.
    queued_bytes: usize,
    /// Buffers emptied since the last batch, handed back to the room ([`crate::room::Room::recycle`]).
    pub spare: BufferPool,
}

impl SendQueues {
    /// Appends each delivery to its member's queue (sent by the next [`SendQueues::flush`]).
    pub fn push(&mut self, deliveries: Vec<Delivery>) {
        for delivery in deliveries {
            self.queued_bytes += delivery.bytes.len();
            let unused = self
                .queues
                .entry(delivery.member)
                .or_insert_with(|| SendQueue::new(delivery.stream))
                .push(delivery.bytes);
            self.spare.give(unused);
            self.waiting.insert(delivery.member);
        }
    }

    /// Sends what every waiting member's socket takes right now; returns the members to drop.
    pub fn flush(&mut self, limits: &Limits) -> Vec<(MemberId, Failure)> {
        let now = Instant::now();
        let mut failed = Vec::new();
        let queues = &mut self.queues;
        let spare = &mut self.spare;
        let queued_bytes = &mut self.queued_bytes;
        self.waiting.retain(|member| {
            let Some(queue) = queues.get_mut(member) else {
                return false;
            };
            let before = queue.backlog();
            let result = queue.flush(limits, now);
            *queued_bytes -= before - queue.backlog();
            match result {
                Ok(()) if queue.is_empty() => {
                    spare.give(Some(queue.take_buffer()));
                    false
                }
                Ok(()) => true,
                Err(failure) => {
                    failed.push((*member, failure));
                    false
                }
            }
        });
        failed
    }

    /// True while some member has bytes waiting, which is when the broadcaster must wake up to
    /// retry even if no event arrives.
    pub fn any_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Bytes waiting in all queues together.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Each member with bytes waiting, and how many, for `--trace`.
    pub fn backlogs(&self) -> Vec<(MemberId, usize)> {
        let backlog = |member: &MemberId| self.queues.get(member).map(SendQueue::backlog);
        let mut all: Vec<_> = self
            .waiting
            .iter()
            .filter_map(|member| Some((*member, backlog(member)?)))
            .collect();
        all.sort();
        all
    }

    /// Forgets a member that left or was dropped, returning what it was still owed.
    pub fn remove(&mut self, member: MemberId) -> Option<SendQueue> {
        self.waiting.remove(&member);
        let queue = self.queues.remove(&member)?;
        self.queued_bytes -= queue.backlog();
        Some(queue)
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
        queue.push(vec![b'x'; 128 * 1024]);
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
        queue.push(vec![b'x'; 2 * LIMITS.max_backlog]);
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
        queue.push(vec![b'x'; 64 * 1024]);
        assert!(queue.flush(&LIMITS, Instant::now()).is_ok());
        queue.push(vec![b'y'; 4 * LIMITS.max_backlog]);
        let result = queue.flush(&LIMITS, Instant::now());
        assert!(result.is_ok(), "{result:?}");
    }

    /// The room-wide count, which `--room-budget` is held against, follows every byte: pushed,
    /// taken by the socket, and forgotten with its member.
    #[test]
    fn the_room_wide_count_follows_pushes_sends_and_removals() {
        let (queue, _peer) = queue_to_a_stalled_peer();
        let mut queues = SendQueues::default();
        let delivery = Delivery {
            member: 1,
            stream: Arc::clone(&queue.stream),
            bytes: vec![b'x'; 256 * 1024],
        };
        queues.push(vec![delivery]);
        assert_eq!(queues.queued_bytes(), 256 * 1024);
        assert!(queues.flush(&LIMITS).is_empty());
        let [(1, waiting)] = queues.backlogs()[..] else {
            panic!("member 1 still has bytes waiting");
        };
        assert!(waiting < 256 * 1024, "the socket took some");
        assert_eq!(queues.queued_bytes(), waiting);
        queues.remove(1);
        assert_eq!(queues.queued_bytes(), 0);
    }

    #[test]
    fn pushed_lines_keep_their_order_behind_what_waits() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.push(b"one\n".to_vec());
        queue.push(b"two\n".to_vec());
        assert_eq!(&queue.bytes[queue.sent..], b"one\ntwo\n");
    }
}
