//! The server's stop signal: Go's `done` channel, closed once, which every thread can check and
//! which wakes every thread waiting on it.
//!
//! Go counterpart: none in the original, which never stops gracefully; the Go idiom is
//!
//! ```go
//! done := make(chan struct{})
//! close(done)                                  // stop: every receive on done returns at once
//! select { case <-done: ...; default: }        // is it stopping?
//! select { case <-done: ...; case <-time.After(d): }  // sleep, woken by the stop
//! ```
//!
//! Here the channel is a crossbeam channel on which nothing is ever sent: dropping its one
//! `Sender` closes it, and from then on every receive returns `Disconnected` at once. A paced
//! client thread sleeps in `recv_timeout` on it instead of `thread::sleep`, so a stop wakes it at
//! once: with `thread::sleep`, a paced thread slept through the stop, then went on reading the
//! lines still queued in its socket at the paced rate, and the server took minutes to exit
//! (18.5 s after SIGTERM with 150 lines queued; never, with `--max-rate 1` and 1,000). The
//! broadcaster waits on it beside its event channel (`select!`, as in Go), so a stop never waits
//! behind a full channel.

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use parking_lot::Mutex;
use std::convert::Infallible;
use std::time::Duration;

/// Raised once by [`crate::server::Stopper::stop`]; read by the acceptor, the broadcaster and
/// every client thread.
pub struct StopSignal {
    /// The channel's one sender, taken and dropped by [`StopSignal::raise`]: that closes it.
    closer: Mutex<Option<Sender<Infallible>>>,
    /// Every thread's end. Capacity 1, not 0: crossbeam's zero-capacity channel takes a lock on
    /// every `try_recv`, and every client thread checks the signal before every line it reads.
    done: Receiver<Infallible>,
}

impl Default for StopSignal {
    fn default() -> StopSignal {
        let (closer, done) = crossbeam_channel::bounded(1);
        StopSignal {
            closer: Mutex::new(Some(closer)),
            done,
        }
    }
}

impl StopSignal {
    /// Closes the channel, waking every waiter. Returns false if it was closed already.
    pub fn raise(&self) -> bool {
        self.closer.lock().take().is_some()
    }

    pub fn is_raised(&self) -> bool {
        self.done.try_recv() == Err(TryRecvError::Disconnected)
    }

    /// Sleeps for `duration`, or less if the signal is raised meanwhile. Returns whether it is
    /// raised, so a caller knows whether to go on.
    pub fn sleep(&self, duration: Duration) -> bool {
        self.done.recv_timeout(duration) == Err(RecvTimeoutError::Disconnected)
    }

    /// The channel itself, for a thread that waits on it beside another (`select!`).
    pub fn done(&self) -> &Receiver<Infallible> {
        &self.done
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
