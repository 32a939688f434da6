//! The server's stop signal: one flag that every thread can check, and that wakes every thread
//! sleeping on it the moment it is raised.
//!
//! Go counterpart: none (the original never stops gracefully); in Go this is a `done` channel
//! that is closed, and a `select` on it beside a timer. Here a paced client thread sleeps on a
//! `parking_lot::Condvar` with a timeout instead of `thread::sleep`, so a stop wakes it at once:
//! with `thread::sleep`, a paced thread slept through the stop, then went on reading the lines
//! still queued in its socket at the paced rate, and the server took minutes to exit (18.5 s
//! after SIGTERM with 150 lines queued; never, with `--max-rate 1` and 1,000).

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Raised once by [`crate::server::Stopper::stop`]; read by the acceptor and every client thread.
#[derive(Default)]
pub struct StopSignal {
    /// True once the server is stopping. An atomic, so that the check every client thread makes
    /// before every line it reads is one load, never a lock that all of them share.
    raised: AtomicBool,
    /// Taken by a sleeper around its check and its wait, and by [`StopSignal::raise`] around its
    /// store, so that a sleeper cannot check, miss the wake-up, and then wait its whole delay.
    sleepers: Mutex<()>,
    /// Wakes every [`StopSignal::sleep`] when the signal is raised.
    wake: Condvar,
}

impl StopSignal {
    /// Raises the signal and wakes every sleeper. Returns false if it was raised already.
    pub fn raise(&self) -> bool {
        let _sleepers = self.sleepers.lock();
        if self.raised.swap(true, Ordering::SeqCst) {
            return false;
        }
        self.wake.notify_all();
        true
    }

    pub fn is_raised(&self) -> bool {
        self.raised.load(Ordering::SeqCst)
    }

    /// Sleeps for `duration`, or less if the signal is raised meanwhile. Returns whether it is
    /// raised, so a caller knows whether to go on.
    pub fn sleep(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut sleepers = self.sleepers.lock();
        while !self.is_raised() {
            if self.wake.wait_until(&mut sleepers, deadline).timed_out() {
                break;
            }
        }
        self.is_raised()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn a_raise_wakes_a_long_sleep_at_once() {
        let signal = Arc::new(StopSignal::default());
        let sleeper = thread::spawn({
            let signal = Arc::clone(&signal);
            move || signal.sleep(Duration::from_secs(3600))
        });
        assert!(signal.raise());
        assert!(!signal.raise(), "raised once only");
        assert!(sleeper.join().unwrap(), "the sleeper saw the signal");
        assert!(
            signal.sleep(Duration::from_secs(3600)),
            "no sleep once raised"
        );
    }

    #[test]
    fn a_sleep_without_a_raise_ends_on_time() {
        let signal = StopSignal::default();
        assert!(!signal.sleep(Duration::from_millis(1)));
        assert!(!signal.is_raised());
    }
}
