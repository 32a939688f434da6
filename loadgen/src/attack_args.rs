//! The command line's attack options: members who use the server's limits against the room
//! while the healthy clients of [`crate::args::Options`] measure what the room still delivers
//! (issue 24). One `--help` lists them with the others.
//!
//! Two shapes, each the one the issue measured:
//! - `--trickle N`: members that read slowly but always make progress, paste at the paced rate,
//!   and come back at once when dropped ([`crate::trickle`]).
//! - `--churn K --churn-every SECONDS`: K new members that paste and never read, every SECONDS
//!   ([`crate::churn`]), for the server's memory under a stall-and-reconnect loop.
//!
//! Both connect from `--attack-from` addresses, and both run only while the healthy senders
//! send: they start after the join phase and stop when the last sender is done.

use crate::clock::seconds;
use crate::source;
use clap::Args;
use clap::builder::RangedU64ValueParser;
use std::net::IpAddr;
use std::time::Duration;

/// The most attackers of either kind: each trickling one takes two threads and a socket.
pub const MAX_ATTACKERS: u64 = 2000;

/// Flattened into [`crate::args::Cli`] and moved into `Options` by `Cli::into_command`: `clap`
/// cannot see an optional group of options (`Option<Options>`) that has a group inside it.
#[derive(Debug, Clone, PartialEq, Default, Args)]
pub struct AttackOptions {
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = RangedU64ValueParser::<usize>::new().range(0..=MAX_ATTACKERS),
          help = "attackers that trickle while the senders send: each joins with a 4 KiB receive \
                  buffer, pastes 4,000-byte lines as fast as the server takes them, reads 4 KiB \
                  every 0.5 s, and reconnects when dropped (0 to 2000)")]
    pub trickle: usize,
    /// Empty means [`source::DEFAULT_SOURCE`], which the server exempts by default.
    #[arg(long, value_name = "ADDR,...", value_delimiter = ',',
          value_parser = source::loopback_source,
          help = "loopback addresses the attackers connect from, taken in turn \
                  (e.g. 127.0.0.2,127.0.0.3); default 127.0.0.1")]
    pub attack_from: Vec<IpAddr>,
    #[arg(long, value_name = "K", default_value_t = 0,
          value_parser = RangedU64ValueParser::<usize>::new().range(0..=MAX_ATTACKERS),
          help = "while the senders send, every --churn-every seconds K new members join, paste \
                  50 lines of 4,000 bytes and never read (0 to 2000)")]
    pub churn: usize,
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = seconds,
          help = "the interval between two waves of --churn members")]
    pub churn_every: Duration,
    /// Memory that comes back is measured after the room has been quiet for a while: the
    /// allocator may keep what the server freed, and this says how much it kept.
    #[arg(long, value_name = "SECONDS", value_parser = seconds,
          help = "with --server-pid, after the run and its teardown, wait this long and sample \
                  the server's RSS again")]
    pub quiet: Option<Duration>,
}

impl AttackOptions {
    /// True when the run has attackers of either kind.
    pub fn any(&self) -> bool {
        self.trickle > 0 || self.churn > 0
    }
}

#[cfg(test)]
mod tests {
    use crate::args::{Cli, Command};
    use clap::Parser;
    use std::time::Duration;

    const HEALTHY: &str = "--addr 127.0.0.1:1 --clients 3 --senders 1 --messages 60 --rate 2";

    fn parse(extra: &str) -> Result<super::AttackOptions, String> {
        let line = format!("loadgen {HEALTHY} {extra}");
        match Cli::try_parse_from(line.split_whitespace()).map_err(|e| e.to_string()) {
            Ok(cli) => match cli.into_command()? {
                Command::Run(options) => Ok(options.attack),
                other => panic!("expected a run, got {other:?}"),
            },
            Err(e) => Err(e),
        }
    }

    #[test]
    fn no_attack_by_default() {
        let attack = parse("").expect("the healthy options alone parse");
        assert!(!attack.any());
        assert!(attack.attack_from.is_empty());
        assert_eq!(attack.churn_every, Duration::from_secs(2));
        assert_eq!(attack.quiet, None);
    }

    #[test]
    fn reads_a_trickle_and_a_churn() {
        let attack = parse(
            "--trickle 48 --attack-from 127.0.0.2,127.0.0.3,127.0.0.4 --churn 15 \
             --churn-every 0.5 --quiet 15 --server-pid 1",
        )
        .expect("a full attack parses");
        assert_eq!((attack.trickle, attack.churn), (48, 15));
        let from: Vec<String> = attack.attack_from.iter().map(|a| a.to_string()).collect();
        assert_eq!(from, ["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
        assert_eq!(attack.churn_every, Duration::from_millis(500));
        assert_eq!(attack.quiet, Some(Duration::from_secs(15)));
        assert!(attack.any());
    }

    #[test]
    fn refuses_attacks_that_cannot_run() {
        let error = |extra: &str| parse(extra).expect_err(extra);
        assert!(error("--attack-from 10.0.0.2").contains("not a loopback address"));
        assert!(error("--attack-from 127.0.0.2,8.8.8.8").contains("not a loopback address"));
        assert!(error("--attack-from localhost").contains("not an IP address"));
        assert!(error("--trickle 2001").contains("2001"));
        assert!(error("--churn -1").contains("unexpected argument"));
        assert!(error("--churn-every 0").contains("0.001 to 86400"));
        assert!(error("--quiet 100000 --server-pid 1").contains("0.001 to 86400"));
        let alone = Cli::try_parse_from(["loadgen", "--trickle", "5"]).map(|_| ());
        let alone = alone.expect_err("an attack needs a scenario").to_string();
        assert!(alone.contains("required arguments"), "{alone}");
    }
}
