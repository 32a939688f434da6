//! The attack beside a run: the `--trickle` and `--churn` members, started after the join phase
//! and stopped when the healthy senders are done, so that every healthy message is sent while
//! the attack is on.
//!
//! Go counterpart: none. Threads: one `trickle-<n>` per trickling attacker ([`crate::trickle`]),
//! each with a `paste-<n>` writer for its current connection; one `churn` thread starting a
//! `churn-<n>` thread per member ([`crate::churn`]). They share one [`Shared`]; the coordinator
//! holds the [`Attack`], and the attackers give up on their own when it is dropped or the run's
//! clock runs out, so an attack cannot outlive `--timeout`.

use crate::attack_args::AttackOptions;
use crate::attack_tally::{AttackTally, Counts};
use crate::churn;
use crate::clock::{Clock, POLL};
use crate::sender;
use crate::trickle;
use crossbeam_channel::{Receiver, Sender};
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long the senders wait for every trickling attacker to have joined once before they start
/// anyway: a frozen room may never let the last ones in, and the run must go on to show it.
pub const RAMP: Duration = Duration::from_secs(5);

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
    /// Each trickling attacker sends one `()` when it first joins; the coordinator counts them.
    first_join: Sender<()>,
}

impl Shared {
    /// True once the attack should end: stopped, or the run's phase ran out of time.
    pub fn over(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || self.clock.expired()
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

/// A running attack. Dropping it stops the attackers without waiting for them; [`Attack::stop`]
/// waits, so that their connections are closed before the run's numbers are taken.
pub struct Attack {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    first_joins: Receiver<()>,
    options: AttackOptions,
}

impl Attack {
    /// Starts every attacker thread. `prefix` is the run's own ID prefix.
    pub fn start(
        addr: SocketAddr,
        prompt: bool,
        prefix: &str,
        options: &AttackOptions,
        clock: Arc<Clock>,
    ) -> Result<Attack, String> {
        let (first_join, first_joins) = crossbeam_channel::unbounded();
        let shared = Arc::new(Shared {
            addr,
            prompt,
            prefix: prefix.to_string(),
            clock,
            counts: Counts::default(),
            stop: AtomicBool::new(false),
            first_join,
        });
        let mut attack = Attack {
            shared,
            threads: Vec::new(),
            first_joins,
            options: options.clone(),
        };
        let thread_error = |e: io::Error| {
            format!("starting an attacker thread: {e} (too many threads? see ulimit -u)")
        };
        for index in 0..options.trickle {
            let shared = Arc::clone(&attack.shared);
            let from = options.attack_from.clone();
            let thread = trickle::spawn(index, &from, shared).map_err(thread_error)?;
            attack.threads.push(thread);
        }
        if options.churn > 0 {
            let shared = Arc::clone(&attack.shared);
            let thread = churn::spawn(options, shared).map_err(thread_error)?;
            attack.threads.push(thread);
        }
        Ok(attack)
    }

    /// Waits until every trickling attacker has joined once, or [`RAMP`] has passed: true if
    /// they all did.
    pub fn ramp_up(&self) -> bool {
        let until = Instant::now() + RAMP;
        (0..self.options.trickle).all(|_| self.first_joins.recv_deadline(until).is_ok())
    }

    /// Stops every attacker, waits until each has closed its connections, and returns the counts.
    pub fn stop(mut self) -> AttackTally {
        self.shared.stop.store(true, Ordering::SeqCst);
        for thread in std::mem::take(&mut self.threads) {
            // NOTE: ignoring a panicked attacker: its counts so far are in `Counts` already.
            let _ = thread.join();
        }
        self.shared.counts.tally(&self.options)
    }
}

impl Drop for Attack {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
    }
}
