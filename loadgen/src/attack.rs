//! The attack beside a run: the `--trickle` and `--churn` members, started after the join phase
//! and stopped when the healthy senders are done, so that every healthy message is sent while
//! the attack is on.
//!
//! Go counterpart: none. Threads: one `trickle-<n>` per trickling attacker ([`crate::trickle`]),
//! each with a `paste-<n>` writer for its current connection; one `churn` thread starting a
//! `churn-<n>` thread per member ([`crate::churn`]). They share one [`Shared`]; the coordinator
//! holds the [`Attack`], and the attackers give up on their own when it is dropped or the run's
//! clock runs out, so an attack cannot outlive `--timeout`.

use crate::args::Options;
use crate::attack_args::AttackOptions;
use crate::attack_shared::Shared;
use crate::attack_tally::AttackTally;
use crate::churn;
use crate::clock::Clock;
use crate::trickle;
use crossbeam_channel::Receiver;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long the senders wait for every trickling attacker to have joined once before they start
/// anyway: a frozen room may never let the last ones in, and the run must go on to show it.
pub const RAMP: Duration = Duration::from_secs(5);

/// A running attack. Dropping it stops the attackers without waiting for them; [`Attack::stop`]
/// waits, so that their connections are closed before the run's numbers are taken.
pub struct Attack {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    first_joins: Receiver<()>,
    options: AttackOptions,
}

impl Attack {
    /// Starts every attacker thread.
    fn start(
        addr: SocketAddr,
        prompt: bool,
        prefix: &str,
        options: &AttackOptions,
        clock: Arc<Clock>,
    ) -> Result<Attack, String> {
        let (shared, first_joins) = Shared::new(addr, prompt, prefix, clock);
        let mut attack = Attack {
            shared: Arc::new(shared),
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

    /// Starts the run's attack, if it has one, and waits for the trickling attackers to be in
    /// ([`Attack::ramp_up`]). `prefix` is the run's own ID prefix.
    pub fn begin(
        options: &Options,
        addr: SocketAddr,
        prefix: &str,
        clock: &Arc<Clock>,
    ) -> Result<Option<Attack>, String> {
        if !options.attack.any() {
            return Ok(None);
        }
        let clock = Arc::clone(clock);
        let attack = Attack::start(addr, options.prompt, prefix, &options.attack, clock)
            .map_err(|e| format!("the attack could not start: {e}"))?;
        attack.ramp_up();
        Ok(Some(attack))
    }

    /// Waits until every trickling attacker has joined once, or [`RAMP`] has passed: true if
    /// they all did.
    pub fn ramp_up(&self) -> bool {
        let until = Instant::now() + RAMP;
        (0..self.options.trickle).all(|_| self.first_joins.recv_deadline(until).is_ok())
    }

    /// Stops every attacker, waits until each has closed its connections, and returns the counts.
    pub fn stop(mut self) -> AttackTally {
        self.shared.stop();
        for thread in std::mem::take(&mut self.threads) {
            // NOTE: ignoring a panicked attacker: its counts so far are in `Counts` already.
            let _ = thread.join();
        }
        self.shared.counts.tally(&self.options)
    }
}

impl Drop for Attack {
    fn drop(&mut self) {
        self.shared.stop();
    }
}
