//! When a member who is owed bytes is given up on: three rules that tell "behind" from "gone".
//!
//! Go counterpart: none. The Go original never gives up on anyone: its broadcaster blocks in
//! `fmt.Fprintln` until the slowest client reads, so a client that is gone freezes the room and a
//! client that is behind slows it.
//!
//! A snapshot of a member's queue says nothing about whether it is reading: right after a batch
//! is queued, every member is "behind" by that batch. So the rules look at progress, as Redis
//! (`client-output-buffer-limit`), NATS (`max_pending` plus a write deadline) and nginx
//! (`send_timeout`, between two successful writes) do. A member is judged only on bytes its
//! socket has already had a chance to take: bytes that were waiting at the previous pass
//! ([`Judged::overdue`]), never the batch queued in this one. Then it is dropped when
//! - its socket has taken nothing for `--write-timeout` (it is gone, or stopped reading);
//! - more than `--soft-backlog` bytes have stayed overdue for `--soft-timeout` (it reads, but
//!   slower than the room talks, and would only fall further behind);
//! - more than `--max-backlog` bytes are overdue at once (the hard limit: large enough for a
//!   classroom paste over Ethernet and a laptop that pauses for a moment).
//!
//! How much all members together may have waiting is a different question, answered by the
//! room-wide budget (`--room-budget`, see [`crate::budget`]): a full budget slows the senders
//! down for a moment, then sheds the members holding the most.

use std::io;
use std::time::{Duration, Instant};

/// The limits the broadcaster keeps, from the command line ([`crate::Config`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a member may have bytes waiting while its socket takes none (`--write-timeout`).
    pub write_timeout: Duration,
    /// Overdue bytes a member may carry for up to `soft_timeout` (`--soft-backlog`).
    pub soft_backlog: usize,
    /// How long a member may stay above `soft_backlog` without a break (`--soft-timeout`).
    pub soft_timeout: Duration,
    /// Overdue bytes past which a member is dropped at once (`--max-backlog`).
    pub max_backlog: usize,
    /// Bytes waiting in all send queues together past which the room pushes back, then sheds the
    /// biggest holders (`--room-budget`, see [`crate::budget`]).
    pub room_budget: usize,
}

/// Why a member's queue gave up on it.
#[derive(Debug)]
pub enum Failure {
    /// Its socket took nothing for `--write-timeout`.
    NotReading,
    /// It stayed too far behind (the soft rule) or fell far behind at once (the hard rule), with
    /// this many bytes overdue.
    Behind(usize),
    /// The connection is gone (reset, closed, or timed out by TCP itself): an ordinary leave.
    Broken(io::Error),
    /// The room's budget stayed full past its grace, and it held the most: this many bytes
    /// (decided by [`crate::budget`], not by the rules here).
    Shed(usize),
}

/// What a send queue knows about a member right after trying its socket.
#[derive(Debug, Clone, Copy)]
pub struct Judged {
    /// Whether the socket took any bytes in this attempt.
    pub progressed: bool,
    /// Bytes still waiting, including those queued in this pass.
    pub waiting: usize,
    /// Bytes still waiting that were already waiting at the previous attempt: the socket has had
    /// a whole pass to take them.
    pub overdue: usize,
}

/// What the rules remember about one member between passes.
#[derive(Debug, Default)]
pub struct Watch {
    /// Since when bytes have waited with none of them taken; `None` while nothing waits.
    stuck_since: Option<Instant>,
    /// Since when more than `soft_backlog` bytes have been overdue, without a break.
    behind_since: Option<Instant>,
}

impl Watch {
    /// Applies the three rules to what one attempt found, at `now`.
    pub fn judge(&mut self, found: Judged, limits: &Limits, now: Instant) -> Result<(), Failure> {
        if found.waiting == 0 {
            *self = Watch::default();
            return Ok(());
        }
        if found.progressed || self.stuck_since.is_none() {
            self.stuck_since = Some(now);
        }
        if since(self.stuck_since, now) >= limits.write_timeout {
            return Err(Failure::NotReading);
        }
        if found.overdue > limits.max_backlog {
            return Err(Failure::Behind(found.overdue));
        }
        if found.overdue <= limits.soft_backlog {
            self.behind_since = None;
            return Ok(());
        }
        let behind_since = *self.behind_since.get_or_insert(now);
        if now.saturating_duration_since(behind_since) >= limits.soft_timeout {
            return Err(Failure::Behind(found.overdue));
        }
        Ok(())
    }
}

fn since(start: Option<Instant>, now: Instant) -> Duration {
    start.map_or(Duration::ZERO, |start| now.saturating_duration_since(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1024 * 1024;

    const LIMITS: Limits = Limits {
        write_timeout: Duration::from_secs(2),
        soft_backlog: MIB,
        soft_timeout: Duration::from_secs(10),
        max_backlog: 16 * MIB,
        room_budget: 32 * MIB,
    };

    fn found(progressed: bool, waiting: usize, overdue: usize) -> Judged {
        Judged {
            progressed,
            waiting,
            overdue,
        }
    }

    fn after(start: Instant, millis: u64) -> Instant {
        start + Duration::from_millis(millis)
    }

    /// Megabytes just queued are no reason to drop anyone: the socket has not had its chance.
    #[test]
    fn a_fresh_batch_is_never_judged() {
        let mut watch = Watch::default();
        let result = watch.judge(found(false, 100 * MIB, 0), &LIMITS, Instant::now());
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn no_progress_for_the_write_timeout_drops() {
        let mut watch = Watch::default();
        let start = Instant::now();
        assert!(watch.judge(found(false, 10, 10), &LIMITS, start).is_ok());
        assert!(
            watch
                .judge(found(false, 10, 10), &LIMITS, after(start, 1999))
                .is_ok()
        );
        let result = watch.judge(found(false, 10, 10), &LIMITS, after(start, 2000));
        assert!(matches!(result, Err(Failure::NotReading)), "{result:?}");
    }

    /// A reader that keeps taking bytes is behind, not gone, even for longer than the timeout.
    #[test]
    fn any_progress_restarts_the_write_timeout() {
        let mut watch = Watch::default();
        let start = Instant::now();
        for second in 0..5 {
            let now = after(start, second * 1000);
            assert!(watch.judge(found(true, 4096, 100), &LIMITS, now).is_ok());
        }
    }

    #[test]
    fn past_the_hard_limit_drops_at_once() {
        let mut watch = Watch::default();
        let overdue = LIMITS.max_backlog + 1;
        let result = watch.judge(found(true, overdue, overdue), &LIMITS, Instant::now());
        assert!(
            matches!(result, Err(Failure::Behind(n)) if n == overdue),
            "{result:?}"
        );
    }

    #[test]
    fn above_the_soft_limit_for_the_soft_timeout_drops() {
        let mut watch = Watch::default();
        let start = Instant::now();
        let behind = found(true, 2 * MIB, 2 * MIB);
        assert!(watch.judge(behind, &LIMITS, start).is_ok());
        assert!(watch.judge(behind, &LIMITS, after(start, 9999)).is_ok());
        let result = watch.judge(behind, &LIMITS, after(start, 10_000));
        assert!(matches!(result, Err(Failure::Behind(_))), "{result:?}");
    }

    /// A paste, then a catch-up: each time the reader gets back under the soft limit, its clock
    /// starts again.
    #[test]
    fn dipping_under_the_soft_limit_restarts_its_clock() {
        let mut watch = Watch::default();
        let start = Instant::now();
        let behind = found(true, 2 * MIB, 2 * MIB);
        assert!(watch.judge(behind, &LIMITS, start).is_ok());
        let caught_up = found(true, 2 * MIB, 1000);
        assert!(watch.judge(caught_up, &LIMITS, after(start, 6000)).is_ok());
        assert!(watch.judge(behind, &LIMITS, after(start, 7000)).is_ok());
        assert!(watch.judge(behind, &LIMITS, after(start, 16_000)).is_ok());
    }
}
