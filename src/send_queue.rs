//! A joined client's send queue: the bytes the broadcaster owes it that its socket has not yet
//! taken, written without ever waiting.
//!
//! Go counterpart: none. The original's broadcaster calls `fmt.Fprintln(conn, msg)`, a blocking
//! write with no deadline, so one client that stops reading freezes the whole room. The Go book's
//! exercise 8.15 asks for the fix used here, which is also what IRC servers ("SendQ exceeded") and
//! NATS ("slow consumer") do: every send is non-blocking ([`SendQueue::flush`] passes
//! `MSG_DONTWAIT` to `send(2)`), what the kernel does not take waits here, in order, and a client
//! whose queue grows past `--max-backlog`, or that takes nothing for `--write-timeout`, is dropped.
//! A partly sent line is not a broken stream: its rest goes out first, the next time the socket
//! has room.
//!
//! Only the broadcaster thread touches these queues, so they need no lock.

use crate::buffer_pool::BufferPool;
use crate::room::{Delivery, MemberId};
use std::collections::{HashMap, HashSet};
use std::io;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `send(2)` flags: return at once with `WouldBlock` instead of waiting for room in the socket
/// (only for this call: the socket stays blocking for its client thread, which reads it), and
/// report a vanished peer as an error rather than with `SIGPIPE` (std's own writes do the same).
/// std has neither a per-call non-blocking send nor these constants, hence `socket2` and `libc`.
const SEND_FLAGS: libc::c_int = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;

/// The two limits that decide when a member is given up on.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most bytes a member may have waiting after a send (`--max-backlog`).
    pub max_backlog: usize,
    /// How long a member may have bytes waiting while its socket takes none (`--write-timeout`).
    pub write_timeout: Duration,
}

/// Why a member's queue gave up on it.
#[derive(Debug)]
pub enum Failure {
    /// The peer stopped reading: its queue overflowed, or its socket took nothing for too long.
    NotReading,
    /// The connection is gone (reset, closed): an ordinary leave.
    Broken(io::Error),
}

/// Bytes owed to one member, oldest first.
pub struct SendQueue {
    stream: Arc<TcpStream>,
    /// Waiting bytes start at `bytes[sent]`; the prefix has gone out already.
    bytes: Vec<u8>,
    sent: usize,
    /// Since when bytes have waited with none of them taken; `None` while nothing waits.
    stuck_since: Option<Instant>,
    /// Set when lines were refused because the backlog would pass the limit.
    overflowed: bool,
}

impl SendQueue {
    pub fn new(stream: Arc<TcpStream>) -> SendQueue {
        SendQueue {
            stream,
            bytes: Vec::new(),
            sent: 0,
            stuck_since: None,
            overflowed: false,
        }
    }

    /// Appends lines to send after everything already waiting. An empty queue takes `more` as it
    /// is, without copying. Lines that would take the backlog past `max_backlog`, even after
    /// sending what the socket takes now, are not kept: the queue is marked as overflowed and the
    /// next [`SendQueue::flush`] gives up on the member. So a queue never holds much more than
    /// the limit, however large the batch. Returns the buffer it did not keep, for reuse.
    pub fn push(&mut self, more: Vec<u8>, max_backlog: usize) -> Option<Vec<u8>> {
        if self.overflowed {
            return Some(more);
        }
        if self.is_empty() {
            let emptied = std::mem::replace(&mut self.bytes, more);
            self.sent = 0;
            return Some(emptied);
        }
        if self.backlog() + more.len() > max_backlog {
            let before = self.sent;
            // NOTE: ignoring errors: the next flush meets the same error and reports it.
            let _ = self.send_what_fits();
            if self.sent > before {
                self.stuck_since = None;
            }
            if self.backlog() + more.len() > max_backlog {
                self.overflowed = true;
                return Some(more);
            }
        }
        if self.sent > self.bytes.len() / 2 {
            self.bytes.drain(..self.sent);
            self.sent = 0;
        }
        self.bytes.extend_from_slice(&more);
        Some(more)
    }

    /// The emptied buffer, for reuse: a member's biggest batch does not stay allocated for its
    /// lifetime.
    fn take_buffer(&mut self) -> Vec<u8> {
        self.sent = 0;
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

    /// Sends as much as the socket takes right now, never waiting, then checks the limits.
    pub fn flush(&mut self, limits: Limits, now: Instant) -> Result<(), Failure> {
        if self.overflowed {
            return Err(Failure::NotReading);
        }
        let before = self.sent;
        self.send_what_fits().map_err(Failure::Broken)?;
        if self.is_empty() {
            self.stuck_since = None;
            return Ok(());
        }
        if self.sent > before || self.stuck_since.is_none() {
            self.stuck_since = Some(now);
        }
        let stuck_for = now.saturating_duration_since(self.stuck_since.unwrap_or(now));
        if self.backlog() > limits.max_backlog || stuck_for >= limits.write_timeout {
            return Err(Failure::NotReading);
        }
        Ok(())
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

/// Every joined member's queue, and which of them have bytes waiting.
#[derive(Default)]
pub struct SendQueues {
    queues: HashMap<MemberId, SendQueue>,
    /// The members whose queue is not empty: the only ones a retry needs to visit.
    waiting: HashSet<MemberId>,
    /// Buffers emptied since the last batch, handed back to the room ([`crate::room::Room::recycle`]).
    pub spare: BufferPool,
}

impl SendQueues {
    /// Appends each delivery to its member's queue (sent by the next [`SendQueues::flush`]).
    pub fn push(&mut self, deliveries: Vec<Delivery>, max_backlog: usize) {
        for delivery in deliveries {
            let unused = self
                .queues
                .entry(delivery.member)
                .or_insert_with(|| SendQueue::new(delivery.stream))
                .push(delivery.bytes, max_backlog);
            self.spare.give(unused);
            self.waiting.insert(delivery.member);
        }
    }

    /// Sends what every waiting member's socket takes right now; returns the members to drop.
    pub fn flush(&mut self, limits: Limits) -> Vec<(MemberId, Failure)> {
        let now = Instant::now();
        let mut failed = Vec::new();
        let queues = &mut self.queues;
        let spare = &mut self.spare;
        self.waiting.retain(|member| {
            let Some(queue) = queues.get_mut(member) else {
                return false;
            };
            match queue.flush(limits, now) {
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
        self.queues.remove(&member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

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
        max_backlog: 1024 * 1024,
        write_timeout: Duration::from_secs(2),
    };

    #[test]
    fn bytes_the_socket_cannot_take_wait_until_the_write_timeout() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.push(vec![b'x'; 512 * 1024], LIMITS.max_backlog);
        let start = Instant::now();
        assert!(
            queue.flush(LIMITS, start).is_ok(),
            "a first full socket is no failure"
        );
        assert!(queue.backlog() > 0 && queue.backlog() < 512 * 1024);
        let almost = start + LIMITS.write_timeout - Duration::from_millis(1);
        assert!(queue.flush(LIMITS, almost).is_ok());
        // The kernel may still move a few bytes towards the peer's buffer, and any progress
        // restarts the clock; once it cannot, one write timeout later the member is given up on.
        let mut now = almost;
        for _ in 0..10 {
            now += LIMITS.write_timeout;
            if let Err(failure) = queue.flush(LIMITS, now) {
                assert!(matches!(failure, Failure::NotReading), "{failure:?}");
                return;
            }
        }
        panic!("a peer that never reads was never given up on");
    }

    #[test]
    fn a_backlog_past_the_limit_fails_at_once() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.push(vec![b'x'; 2 * LIMITS.max_backlog], LIMITS.max_backlog);
        let result = queue.flush(LIMITS, Instant::now());
        assert!(matches!(result, Err(Failure::NotReading)), "{result:?}");
    }

    #[test]
    fn pushed_lines_keep_their_order_behind_what_waits() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.push(b"one\n".to_vec(), LIMITS.max_backlog);
        queue.push(b"two\n".to_vec(), LIMITS.max_backlog);
        assert_eq!(&queue.bytes[queue.sent..], b"one\ntwo\n");
    }

    #[test]
    fn lines_past_the_limit_are_refused_and_the_member_given_up_on() {
        let (mut queue, _peer) = queue_to_a_stalled_peer();
        queue.push(vec![b'x'; 512 * 1024], LIMITS.max_backlog);
        assert!(queue.flush(LIMITS, Instant::now()).is_ok());
        let waiting = queue.backlog();
        queue.push(vec![b'y'; LIMITS.max_backlog], LIMITS.max_backlog);
        assert!(queue.backlog() <= waiting, "the refused lines are not kept");
        let result = queue.flush(LIMITS, Instant::now());
        assert!(matches!(result, Err(Failure::NotReading)), "{result:?}");
    }
}
