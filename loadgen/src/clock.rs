//! The one clock every loadgen thread shares, and the phase deadline they all obey.
//!
//! Message stamps are nanoseconds since `Clock::start`, so a receiver's latency is its own
//! reading of the same clock minus the sender's. The coordinator moves the deadline forward as
//! each phase begins; client and sender threads check it whenever a socket read or write times
//! out, which is how every thread gives up on its own within one [`POLL`] of a phase's end.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a client or sender blocks in one socket call before looking at the deadline. Short
/// enough that a stopped run ends promptly; long enough that an idle client costs no CPU.
pub const POLL: Duration = Duration::from_millis(200);

/// Shared by the coordinator and every client and sender thread (behind an `Arc`).
pub struct Clock {
    start: Instant,
    /// Nanoseconds since `start` after which threads stop waiting. Atomic, because the
    /// coordinator moves it while the others read it; no other state depends on its value.
    deadline: AtomicU64,
    /// Set once, at the end of the run or when a phase times out: everyone stops now.
    stopped: AtomicBool,
}

impl Clock {
    pub fn new(first_deadline: Duration) -> Clock {
        Clock {
            start: Instant::now(),
            deadline: AtomicU64::new(nanos(first_deadline)),
            stopped: AtomicBool::new(false),
        }
    }

    /// Nanoseconds since the clock started: the stamp a sender writes.
    pub fn now(&self) -> u64 {
        nanos(self.start.elapsed())
    }

    pub fn instant(&self, stamp: u64) -> Instant {
        self.start + Duration::from_nanos(stamp)
    }

    /// Gives every thread until `from_now` from now.
    pub fn extend(&self, from_now: Duration) {
        self.deadline
            .store(self.now() + nanos(from_now), Ordering::SeqCst);
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// True once threads should give up: the run stopped or the phase ran out of time.
    pub fn expired(&self) -> bool {
        self.stopped.load(Ordering::SeqCst) || self.now() > self.deadline.load(Ordering::SeqCst)
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// A number of seconds on the command line (a phase bound, a pause): from a millisecond to a
/// day. Here rather than in [`crate::args`] because the attack's options use it too.
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.001..=86400.0).contains(&x) => Ok(Duration::from_secs_f64(x)),
        _ => Err("expected a number of seconds from 0.001 to 86400".to_string()),
    }
}

/// True for the error a read or write returns when its [`POLL`] timeout passed.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_when_stopped_or_past_the_deadline() {
        let clock = Clock::new(Duration::from_secs(60));
        assert!(!clock.expired());
        clock.stop();
        assert!(clock.expired());
        let stamp = clock.now();
        assert_eq!(
            clock.instant(stamp) - clock.instant(0),
            Duration::from_nanos(stamp)
        );
    }
}
