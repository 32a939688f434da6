//! What the attackers counted, and how a report shows it: how often the server let them in,
//! dropped them and turned them away.
//!
//! The attackers count as they go, in atomics (they are many threads and nobody waits on the
//! counts); the coordinator reads them once, when the attack is over, into an [`AttackTally`].

use crate::attack_args::AttackOptions;
use std::sync::atomic::{AtomicU64, Ordering};

/// The running counts, shared by every attacker thread.
#[derive(Debug, Default)]
pub struct Counts {
    /// Trickling attackers' connections that got past the prompt and sent their ID.
    pub joins: AtomicU64,
    /// Joined connections the server ended while the attack was on.
    pub drops: AtomicU64,
    /// Connections the server turned away before the ID (per-address limits, a full server), or
    /// that could not be made at all.
    pub refused: AtomicU64,
    /// Churn members that wrote their whole paste.
    pub pasted: AtomicU64,
}

impl Counts {
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn tally(&self, options: &AttackOptions) -> AttackTally {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        AttackTally {
            trickle: options.trickle,
            churn: options.churn,
            joins: read(&self.joins),
            drops: read(&self.drops),
            refused: read(&self.refused),
            pasted: read(&self.pasted),
        }
    }
}

/// The counts at the end of the attack, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttackTally {
    /// Trickling attackers asked for, and churn members per wave.
    pub trickle: usize,
    pub churn: usize,
    pub joins: u64,
    pub drops: u64,
    pub refused: u64,
    pub pasted: u64,
}

impl AttackTally {
    /// Joins beyond each trickling attacker's first: how often a dropped member came back.
    pub fn reconnects(&self) -> u64 {
        self.joins - (self.trickle as u64).min(self.joins)
    }

    /// The report's JSON numbers, under their keys.
    pub fn numbers(&self) -> Vec<(&'static str, Option<f64>)> {
        vec![
            ("trickle", Some(self.trickle as f64)),
            ("churn", Some(self.churn as f64)),
            ("attack_joins", Some(self.joins as f64)),
            ("attack_reconnects", Some(self.reconnects() as f64)),
            ("attack_drops", Some(self.drops as f64)),
            ("attack_refused", Some(self.refused as f64)),
            ("churn_pasted", Some(self.pasted as f64)),
        ]
    }

    /// The report's table rows.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let mut rows = Vec::new();
        if self.trickle > 0 {
            let text = format!(
                "{} attackers: {} joins, {} reconnects, {} dropped, {} refused",
                self.trickle,
                self.joins,
                self.reconnects(),
                self.drops,
                self.refused
            );
            rows.push(("trickle", text));
        }
        if self.churn > 0 {
            let text = format!("{} per wave: {} pasted and held", self.churn, self.pasted);
            rows.push(("churn", text));
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_are_joins_beyond_each_attackers_first() {
        let tally = |trickle, joins| AttackTally {
            trickle,
            joins,
            ..AttackTally::default()
        };
        assert_eq!(tally(48, 48).reconnects(), 0);
        assert_eq!(tally(48, 130).reconnects(), 82);
        assert_eq!(tally(48, 30).reconnects(), 0, "not all got in once");
        assert_eq!(tally(0, 0).reconnects(), 0);
    }

    #[test]
    fn rows_name_only_the_attacks_that_ran() {
        assert!(AttackTally::default().rows().is_empty());
        let trickle = AttackTally {
            trickle: 2,
            joins: 5,
            drops: 3,
            refused: 1,
            ..AttackTally::default()
        };
        let rows = trickle.rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].1,
            "2 attackers: 5 joins, 3 reconnects, 3 dropped, 1 refused"
        );
    }
}
