//! The coordinator's running totals, fed by every client's and sender's [`Progress`].
//!
//! Events of different phases interleave (a client expecting no messages finishes while others
//! are still joining), so one tracker takes every event whenever it comes, and each phase just
//! waits, with a deadline, for the totals it needs.

use crate::signals::Progress;
use crossbeam_channel::Receiver;
use std::time::Instant;

#[derive(Debug, Default)]
pub struct Tracker {
    /// Clients that got their user list, and the clock reading when the last one did.
    pub joined: usize,
    pub last_joined: u64,
    pub ready: usize,
    pub senders_done: usize,
    pub sent: u64,
    pub finished: usize,
    /// Every client's failure, in the order they came.
    pub errors: Vec<String>,
    pub received: u64,
    /// Every delivery's latency, in nanoseconds, from every client.
    pub latencies: Vec<u64>,
    pub last_delivery: Option<u64>,
    /// The most `left the chat` notices any one client saw.
    pub most_left: u64,
}

impl Tracker {
    pub fn take(&mut self, progress: Progress) {
        match progress {
            Progress::Joined(at) => {
                self.joined += 1;
                self.last_joined = self.last_joined.max(at);
            }
            Progress::Ready => self.ready += 1,
            Progress::Sent(count) => {
                self.senders_done += 1;
                self.sent += count;
            }
            Progress::Finished(tally, error) => {
                self.finished += 1;
                self.received += tally.received;
                self.latencies.extend_from_slice(&tally.latencies);
                self.last_delivery = self.last_delivery.max(tally.last_delivery);
                self.most_left = self.most_left.max(tally.left);
                self.errors.extend(error);
            }
        }
    }

    /// Takes events until `done` holds (true) or `until` passes (false, unless `done` then holds).
    pub fn wait_for(
        &mut self,
        events: &Receiver<Progress>,
        until: Instant,
        done: impl Fn(&Tracker) -> bool,
    ) -> bool {
        while !done(self) {
            match events.recv_deadline(until) {
                Ok(progress) => self.take(progress),
                Err(_) => return done(self),
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::Tally;
    use std::time::Duration;

    #[test]
    fn totals_every_kind_of_progress() {
        let mut tracker = Tracker::default();
        tracker.take(Progress::Joined(5));
        tracker.take(Progress::Joined(3));
        tracker.take(Progress::Ready);
        tracker.take(Progress::Sent(10));
        let tally = Tally {
            received: 2,
            latencies: vec![7, 9],
            last_delivery: Some(40),
            left: 1,
            ready: true,
        };
        tracker.take(Progress::Finished(Box::new(tally), Some("boom".into())));
        assert_eq!(
            (tracker.joined, tracker.last_joined, tracker.ready),
            (2, 5, 1)
        );
        assert_eq!(
            (tracker.senders_done, tracker.sent, tracker.finished),
            (1, 10, 1)
        );
        assert_eq!((tracker.received, tracker.last_delivery), (2, Some(40)));
        assert_eq!((tracker.latencies.len(), tracker.most_left), (2, 1));
        assert_eq!(tracker.errors, vec!["boom".to_string()]);
    }

    #[test]
    fn waiting_ends_when_done_or_at_the_deadline() {
        let (tx, rx) = crossbeam_channel::unbounded();
        let mut tracker = Tracker::default();
        tx.send(Progress::Ready).expect("the receiver is alive");
        assert!(
            tracker.wait_for(&rx, Instant::now() + Duration::from_secs(5), |t| t.ready
                == 1)
        );
        assert!(!tracker.wait_for(&rx, Instant::now(), |t| t.ready == 2));
    }
}
