//! The load generator's command line: one scenario's shape, or one of two helper commands the
//! `make bench` recipe needs (a free port, and the table of several runs).
//!
//! Every number has a default only where the issue leaves it optional; the shape of a scenario
//! (clients, senders, messages) must be said, so a run's output always matches its command.

use std::time::Duration;

/// The `loadgen --help` text.
pub const USAGE: &str = "\
Usage: loadgen --addr HOST:PORT --clients N --senders S --messages M [OPTIONS]
       loadgen --table RESULTS.jsonl [OTHER.jsonl]
       loadgen --free-port

Connects N clients to a chat server, waits until every client has seen every join, then has S of
them send M messages each, and reports delivery counts, throughput and latency.

Options:
  --addr HOST:PORT        the server (loopback only: 127.0.0.1 or localhost)
  --clients N             clients that join and read everything
  --senders S             how many of them send (S <= N)
  --messages M            messages per sender
  --rate PER_SEC          messages per second per sender [default: as fast as possible]
  --lockstep              with --rate, start every sender at the same instant instead of spreading
                          their starts evenly over one interval (a burst of S messages per tick)
  --stalled K             extra clients that join and never read [default: 0]
  --size BYTES            pad each message's text to this many bytes [default: no padding]
  --timeout SECONDS       bound on each phase (join, send beyond its planned time, drain) [default: 60]
  --no-prompt             the server sends no ID prompt (the Go original)
  --server-pid PID        sample the server's peak RSS and threads from /proc/PID/status
  --label NAME            the scenario's name in the report [default: run]
  --server-name NAME      the server's name in the report [default: server]
  --json                  print one JSON object instead of a table
  --table FILE [FILE2]    print the runs saved by --json (one per line) as one table; with a second
                          file, each scenario's two rows and their ratio (second / first)
  --free-port             print a port that is free on 127.0.0.1 right now, and exit
  -h, --help              print this help";

/// One scenario, as the command line described it. (`Default` is all zeros and empty names; the
/// command line's defaults are set in `parse_run`.)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    pub addr: String,
    pub clients: usize,
    pub senders: usize,
    pub messages: u64,
    /// Messages per second per sender; `None` sends as fast as the socket takes them.
    pub rate: Option<f64>,
    /// With `rate`, every sender starts at the same instant, so the room receives a burst of
    /// `senders` messages once per interval. Off by default: people typing are spread over time,
    /// and a lockstep harness favours a server that batches (see README, Performance).
    pub lockstep: bool,
    pub stalled: usize,
    /// The smallest message text, in bytes; the stamp alone is used when it is longer.
    pub size: usize,
    /// How long any one phase may take before loadgen reports what it has and stops. Without it,
    /// a server that stalls (the Go original with a client that never reads) hangs the benchmark.
    pub timeout: Duration,
    pub prompt: bool,
    pub server_pid: Option<u32>,
    pub label: String,
    pub server_name: String,
    pub json: bool,
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Options),
    Table(Vec<String>),
    FreePort,
    Help,
}

/// Reads loadgen's command line (without the program name). Errors are one line for a person.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let args: Vec<String> = args.into_iter().collect();
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => return Ok(Command::Help),
        Some("--free-port") => return Ok(Command::FreePort),
        Some("--table") if (2..=3).contains(&args.len()) => {
            return Ok(Command::Table(args[1..].to_vec()));
        }
        Some("--table") => return Err("--table takes one or two files (see --help)".into()),
        _ => {}
    }
    parse_run(args).map(Command::Run)
}

fn parse_run(args: Vec<String>) -> Result<Options, String> {
    let mut options = Options {
        timeout: Duration::from_secs(60),
        prompt: true,
        label: "run".into(),
        server_name: "server".into(),
        ..Options::default()
    };
    let mut args = args.into_iter();
    while let Some(option) = args.next() {
        match option.as_str() {
            "--json" => options.json = true,
            "--no-prompt" => options.prompt = false,
            "--lockstep" => options.lockstep = true,
            "-h" | "--help" | "--table" | "--free-port" => {
                return Err(format!(
                    "{option} cannot be combined with a run (see --help)"
                ));
            }
            _ => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{option} needs a value (see --help)"))?;
                set(&mut options, &option, value)?;
            }
        }
    }
    check(options)
}

fn set(options: &mut Options, option: &str, value: String) -> Result<(), String> {
    match option {
        "--addr" => options.addr = value,
        "--clients" => options.clients = number(option, &value)?,
        "--senders" => options.senders = number(option, &value)?,
        "--messages" => options.messages = number(option, &value)?,
        "--rate" => options.rate = Some(positive(option, &value)?),
        "--stalled" => options.stalled = number(option, &value)?,
        "--size" => options.size = number(option, &value)?,
        "--timeout" => options.timeout = Duration::from_secs_f64(positive(option, &value)?),
        "--server-pid" => options.server_pid = Some(number(option, &value)?),
        "--label" => options.label = value,
        "--server-name" => options.server_name = value,
        _ => return Err(format!("unknown option {option} (see --help)")),
    }
    Ok(())
}

/// The rules no single option can check alone.
fn check(options: Options) -> Result<Options, String> {
    if options.addr.is_empty() {
        return Err("--addr is required, like --addr 127.0.0.1:5000".into());
    }
    if !is_loopback(&options.addr) {
        return Err(format!(
            "--addr {}: loadgen only talks to 127.0.0.1 or localhost",
            options.addr
        ));
    }
    if options.clients < 2 || options.senders == 0 || options.messages == 0 {
        return Err("--clients (at least 2), --senders and --messages are required".into());
    }
    if options.senders > options.clients {
        return Err(format!(
            "--senders {} is more than --clients {}: senders are some of the clients",
            options.senders, options.clients
        ));
    }
    Ok(options)
}

/// A load generator aimed at someone else's machine is a denial of service, so only loopback.
fn is_loopback(addr: &str) -> bool {
    addr.starts_with("127.0.0.1:") || addr.starts_with("localhost:")
}

fn number<T: std::str::FromStr>(option: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{option} {value}: expected a whole number"))
}

fn positive(option: &str, value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() && x < 1e9 => Ok(x),
        _ => Err(format!("{option} {value}: expected a number above 0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, String> {
        parse_args(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn reads_a_full_scenario() {
        let Ok(Command::Run(o)) = parse(
            "--addr 127.0.0.1:5000 --clients 50 --senders 10 --messages 2000 --rate 20 \
             --stalled 1 --size 512 --timeout 2.5 --no-prompt --server-pid 42 --label stall \
             --server-name go --json --lockstep",
        ) else {
            panic!("a full scenario must parse");
        };
        assert_eq!((o.clients, o.senders, o.messages), (50, 10, 2000));
        assert_eq!((o.rate, o.stalled, o.size), (Some(20.0), 1, 512));
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert!(!o.prompt && o.json && o.lockstep);
        assert_eq!(o.server_pid, Some(42));
        assert_eq!((o.label.as_str(), o.server_name.as_str()), ("stall", "go"));
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
    }

    #[test]
    fn refuses_what_cannot_run() {
        let error = |line: &str| parse(line).expect_err(line);
        assert!(error("--clients 2 --senders 1 --messages 1").contains("--addr is required"));
        assert!(
            error("--addr 10.0.0.1:5000 --clients 2 --senders 1 --messages 1")
                .contains("only talks to 127.0.0.1")
        );
        assert!(
            error("--addr 127.0.0.1:1 --clients 2 --senders 3 --messages 1")
                .contains("more than --clients")
        );
        assert!(error("--addr 127.0.0.1:1 --clients 2 --senders 1").contains("required"));
        assert!(error("--addr 127.0.0.1:1 --rate 0").contains("above 0"));
        assert!(error("--addr 127.0.0.1:1 --clients x").contains("whole number"));
        assert!(error("--addr").contains("needs a value"));
        assert!(error("--bogus 1").contains("unknown option"));
    }

    #[test]
    fn reads_the_helper_commands() {
        assert_eq!(parse("--free-port"), Ok(Command::FreePort));
        assert_eq!(parse("-h"), Ok(Command::Help));
        assert_eq!(
            parse("--table a.jsonl b.jsonl"),
            Ok(Command::Table(vec!["a.jsonl".into(), "b.jsonl".into()]))
        );
        assert!(parse("--table").is_err());
    }
}
