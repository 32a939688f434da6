//! The load generator's command line: one scenario's shape, or one of two helper commands the
//! `make bench` recipe needs (a free port, and the table of several runs).
//!
//! Declared once for `clap`: each option's declaration parses it, checks its range and writes its
//! `--help` line. The shape of a scenario (clients, senders, messages) has no default and must be
//! said, so a run's output always matches its command.

use crate::attack_args::AttackOptions;
use crate::clock::seconds;
use clap::builder::RangedU64ValueParser;
use clap::{ArgAction, Args, Parser};
use std::time::Duration;

/// The whole command line, as `clap` reads it; [`Cli::into_command`] says which of three things it is.
#[derive(Debug, Parser)]
#[command(
    name = "loadgen",
    version,
    next_line_help = true,
    about = "Connects N clients to a chat server, waits until every client has seen every join, \
             then has S of them send M messages each, and reports delivery counts, throughput and \
             latency.",
    override_usage = "loadgen --addr HOST:PORT --clients N --senders S --messages M [OPTIONS]\n       \
                      loadgen --table RESULTS.jsonl [OTHER.jsonl]\n       \
                      loadgen --plot CURVES.txt PICTURE.svg\n       loadgen --free-port"
)]
pub struct Cli {
    #[command(flatten)]
    run: Option<Options>,

    #[command(flatten)]
    attack: AttackOptions,

    /// Used by `make bench` to print its table.
    #[arg(
        long,
        value_name = "FILE",
        num_args = 1..=2,
        exclusive = true,
        help = "print the runs saved by --json (one per line) as one table; with a second file, \
                each scenario's two rows and their ratio (second / first)"
    )]
    table: Option<Vec<String>>,

    /// Used by `make bench-design` to draw the latency picture in docs/performance.md.
    #[arg(
        long,
        value_names = ["CURVES", "SVG"],
        num_args = 2,
        exclusive = true,
        help = "draw the latency curves saved by --latencies as an SVG picture: one panel per \
                scenario, one colour per server, one line per run"
    )]
    plot: Option<Vec<String>>,

    /// Used by `make bench` to give each scenario a fresh server.
    #[arg(
        long,
        exclusive = true,
        help = "print a port that is free on 127.0.0.1 right now, and exit"
    )]
    free_port: bool,
}

/// One scenario, as the command line described it. (`Default` is all zeros and empty names, for
/// tests that build a report by hand; the command line's defaults are in the declarations.)
#[derive(Debug, Clone, PartialEq, Default, Args)]
pub struct Options {
    #[arg(
        long,
        value_name = "HOST:PORT",
        value_parser = loopback,
        help = "the server (loopback only: 127.0.0.1 or localhost)"
    )]
    pub addr: String,
    #[arg(long, value_name = "N", value_parser = RangedU64ValueParser::<usize>::new().range(2..),
          help = "clients that join and read everything (at least 2)")]
    pub clients: usize,
    #[arg(long, value_name = "S", value_parser = RangedU64ValueParser::<usize>::new().range(1..),
          help = "how many of them send (1 to N)")]
    pub senders: usize,
    #[arg(long, value_name = "M", value_parser = clap::value_parser!(u64).range(1..),
          help = "messages per sender (at least 1)")]
    pub messages: u64,
    /// Messages per second per sender; `None` sends as fast as the socket takes them.
    #[arg(long, value_name = "PER_SEC", value_parser = positive,
          help = "messages per second per sender (above 0); without it, as fast as possible")]
    pub rate: Option<f64>,
    /// With `rate`, every sender starts at the same instant, so the room receives a burst of
    /// `senders` messages once per interval. Off by default: people typing are spread over time,
    /// and a lockstep harness favours a server that batches (see docs/performance.md).
    #[arg(
        long,
        help = "with --rate, start every sender at the same instant instead of spreading their starts over one interval"
    )]
    pub lockstep: bool,
    #[arg(
        long,
        value_name = "K",
        default_value_t = 0,
        help = "extra clients that join and never read"
    )]
    pub stalled: usize,
    /// A reader that is behind, not gone: a laptop busy for a moment, a Ctrl-Z. The server must
    /// keep such a reader and deliver everything once it reads again.
    #[arg(long, value_name = "SECONDS", value_parser = seconds,
          help = "each client that does not send stops reading once, for this long, after its \
                  first message")]
    pub pause: Option<Duration>,
    /// The smallest message text, in bytes; the stamp alone is used when it is longer.
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 0,
        help = "pad each message's text to this many bytes (0: no padding)"
    )]
    pub size: usize,
    /// How long any one phase may take before loadgen reports what it has and stops. Without it,
    /// a server that stalls (the Go original with a client that never reads) hangs the benchmark.
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = seconds,
          help = "bound on each phase (join, send beyond its planned time, drain)")]
    pub timeout: Duration,
    #[arg(long = "no-prompt", action = ArgAction::SetFalse,
          help = "the server sends no ID prompt: the first line it reads is the ID")]
    pub prompt: bool,
    #[arg(
        long,
        value_name = "PID",
        help = "sample the server's peak RSS and threads from /proc/PID/status"
    )]
    pub server_pid: Option<u32>,
    #[arg(
        long,
        value_name = "NAME",
        default_value = "run",
        help = "the scenario's name in the report"
    )]
    pub label: String,
    #[arg(
        long,
        value_name = "NAME",
        default_value = "server",
        help = "the server's name in the report"
    )]
    pub server_name: String,
    #[arg(long, help = "print one JSON object instead of a table")]
    pub json: bool,
    /// Where the run's latency curve goes, for `--plot`: one line appended per run.
    #[arg(
        long,
        value_name = "FILE",
        help = "append the run's latency distribution (1,000 points) to FILE, for --plot"
    )]
    pub latencies: Option<String>,
    /// Members who use the server's limits against the room while the others measure it; read
    /// into [`Cli`] and moved here by [`Cli::into_command`].
    #[arg(skip)]
    pub attack: AttackOptions,
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// Boxed: the options are far larger than the other commands' file names.
    Run(Box<Options>),
    Table(Vec<String>),
    /// Draw the curves in the first file as an SVG picture at the second.
    Plot {
        curves: String,
        svg: String,
    },
    FreePort,
}

impl Cli {
    /// Which of the three commands this is; the rule no single option can check (senders are some
    /// of the clients) is checked here, as a one-line message for a person.
    pub fn into_command(self) -> Result<Command, String> {
        if let Some(files) = self.table {
            return Ok(Command::Table(files));
        }
        if let Some([curves, svg]) = self.plot.as_deref() {
            let (curves, svg) = (curves.clone(), svg.clone());
            return Ok(Command::Plot { curves, svg });
        }
        if self.free_port {
            return Ok(Command::FreePort);
        }
        // clap requires every scenario option when no helper command is given.
        let mut options = self
            .run
            .expect("clap requires a scenario without a helper command");
        options.attack = self.attack;
        if options.senders > options.clients {
            return Err(format!(
                "--senders {} is more than --clients {}: senders are some of the clients",
                options.senders, options.clients
            ));
        }
        if options.attack.quiet.is_some() && options.server_pid.is_none() {
            return Err("--quiet samples the server's memory: give --server-pid too".to_string());
        }
        Ok(Command::Run(Box::new(options)))
    }
}

/// A load generator aimed at someone else's machine is a denial of service, so only loopback.
fn loopback(addr: &str) -> Result<String, String> {
    if addr.starts_with("127.0.0.1:") || addr.starts_with("localhost:") {
        Ok(addr.to_string())
    } else {
        Err("loadgen only talks to 127.0.0.1 or localhost".to_string())
    }
}

/// A rate: above 0 and below a billion a second, where a sender's pacing loses all meaning.
fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1e9 => Ok(x),
        _ => Err("expected a number above 0 and below 1e9".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &str) -> Result<Command, String> {
        let words = std::iter::once("loadgen").chain(line.split_whitespace());
        Cli::try_parse_from(words)
            .map_err(|e| e.to_string())
            .and_then(Cli::into_command)
    }

    #[test]
    fn the_declarations_are_consistent() {
        <Cli as CommandFactory>::command().debug_assert();
    }

    #[test]
    fn reads_a_full_scenario() {
        let Ok(Command::Run(o)) = parse(
            "--addr 127.0.0.1:5000 --clients 50 --senders 10 --messages 2000 --rate 20 \
             --stalled 1 --size 512 --timeout 2.5 --no-prompt --server-pid 42 --label stall \
             --server-name go --json --lockstep --pause 0.3 --latencies curves.txt",
        ) else {
            panic!("a full scenario must parse");
        };
        assert_eq!((o.clients, o.senders, o.messages), (50, 10, 2000));
        assert_eq!((o.rate, o.stalled, o.size), (Some(20.0), 1, 512));
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(o.pause, Some(Duration::from_millis(300)));
        assert!(!o.prompt && o.json && o.lockstep);
        assert_eq!(o.server_pid, Some(42));
        assert_eq!((o.label.as_str(), o.server_name.as_str()), ("stall", "go"));
        assert_eq!(o.latencies.as_deref(), Some("curves.txt"));
    }

    #[test]
    fn defaults_send_as_fast_as_possible_with_a_prompt() {
        let Ok(Command::Run(o)) = parse("--addr localhost:1 --clients 2 --senders 1 --messages 1")
        else {
            panic!("the required options alone must parse");
        };
        assert_eq!((o.rate, o.stalled, o.size, o.prompt), (None, 0, 0, true));
        assert!(!o.lockstep);
        assert_eq!(o.timeout, Duration::from_secs(60));
        assert_eq!(
            (o.label.as_str(), o.server_name.as_str()),
            ("run", "server")
        );
    }

    #[test]
    fn refuses_what_cannot_run() {
        let error = |line: &str| parse(line).expect_err(line);
        assert!(error("--clients 2 --senders 1 --messages 1").contains("--addr"));
        assert!(
            error("--addr 10.0.0.1:5000 --clients 2 --senders 1 --messages 1")
                .contains("only talks to 127.0.0.1")
        );
        assert!(
            error("--addr 127.0.0.1:1 --clients 2 --senders 3 --messages 1")
                .contains("more than --clients")
        );
        assert!(
            error("--addr 127.0.0.1:1 --clients 2 --senders 1 --messages 1 --quiet 1")
                .contains("--server-pid")
        );
        assert!(error("--addr 127.0.0.1:1 --clients 2 --senders 1").contains("--messages"));
        assert!(
            error("--addr 127.0.0.1:1 --clients 2 --senders 1 --messages 1 --rate 0")
                .contains("above 0")
        );
        assert!(error("--addr 127.0.0.1:1 --clients x").contains("invalid value"));
        assert!(error("--addr").contains("value is required"));
        assert!(error("--bogus 1").contains("unexpected argument"));
        assert!(error("").contains("required arguments"));
    }

    #[test]
    fn reads_the_helper_commands() {
        assert_eq!(parse("--free-port"), Ok(Command::FreePort));
        assert_eq!(
            parse("--table a.jsonl b.jsonl"),
            Ok(Command::Table(vec!["a.jsonl".into(), "b.jsonl".into()]))
        );
        assert!(parse("--table").is_err());
        assert!(parse("--table a b c").is_err());
        assert!(parse("--free-port --addr 127.0.0.1:1").is_err());
        assert_eq!(
            parse("--plot curves.txt picture.svg"),
            Ok(Command::Plot {
                curves: "curves.txt".into(),
                svg: "picture.svg".into()
            })
        );
        assert!(parse("--plot curves.txt").is_err());
    }
}
