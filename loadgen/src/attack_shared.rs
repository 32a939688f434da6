//! What every attacker thread shares with the coordinator: where the server is, the run's clock,
//! the stop flag and the running counts; the counterpart of [`crate::signals`] for the
//! attackers of [`crate::attack`].
//!
//! Kept apart from [`crate::attack`] because the attackers ([`crate::trickle`],
//! [`crate::churn`]) use it and `attack` starts them: `attack` sits above them, and both sit
//! above this file.

use crate::attack_tally::Counts;
use crate::clock::{Clock, POLL};
use crate::sender;
use crossbeam_channel::{Receiver, Sender};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// What every attacker thread shares with the coordinator.
pub struct Shared {
    pub addr: SocketAddr,
    /// The server sends an ID prompt (no `--no-prompt`).
    pub prompt: bool,
    /// The prefix of every attacker's ID, unique to this loadgen process like the clients'.
    pub prefix: String,
    pub clock: Arc<Clock>,
    pub counts: Counts,
    /// Set once, when the senders are done (or the run gives up): every attacker leaves.
    stop: AtomicBool,
    /// Each trickling attacker sends one `()` when it first joins; the coordinator holds the
    /// other end ([`crate::attack::Attack::ramp_up`]) and counts them.
    first_join: Sender<()>,
}

impl Shared {
    /// A new attack's shared state, and the receiving end of the first joins.
    pub fn new(
        addr: SocketAddr,
        prompt: bool,
        prefix: &str,
        clock: Arc<Clock>,
    ) -> (Shared, Receiver<()>) {
        let (first_join, first_joins) = crossbeam_channel::unbounded();
        let shared = Shared {
            addr,
            prompt,
            prefix: prefix.to_string(),
            clock,
            counts: Counts::default(),
            stop: AtomicBool::new(false),
            first_join,
        };
        (shared, first_joins)
    }

    /// True once the attack should end: stopped, or the run's phase ran out of time.
    pub fn over(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || self.clock.expired()
    }

    /// Ends the attack: every attacker leaves within a [`POLL`] or two.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Sleeps for `length`, looking at [`Shared::over`] every [`POLL`]; false if the attack
    /// ended meanwhile.
    pub fn nap(&self, length: Duration) -> bool {
        let until = Instant::now() + length;
        while !self.over() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            thread::sleep(left.min(POLL));
        }
        false
    }

    /// Called by a trickling attacker when it joins for the first time.
    pub fn first_joined(&self) {
        // NOTE: ignoring errors: the coordinator stops counting once the ramp is over.
        let _ = self.first_join.send(());
    }
}

/// `write_all` on a socket with a write timeout, giving up when the attack is over; an error
/// when the server closed the connection.
pub fn write_unless_over(stream: &TcpStream, bytes: &[u8], shared: &Shared) -> io::Result<()> {
    sender::write_until(stream, bytes, || shared.over())
}
