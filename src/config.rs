//! The server's settings: where to listen and every limit, each with the reason it exists.
//!
//! Go counterpart: the original's `flag.Int("port", ...)` and nothing else. It has no limits, and
//! the doc comment on each field below says what goes wrong without it. The `server` binary fills a
//! [`Config`] from its command line; tests build one directly, usually on port 0 with short timeouts.

use std::time::Duration;

/// Everything [`crate::Server::bind`] needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen. The default is loopback only: opening a classroom chat to the network is
    /// a decision to make on purpose (`--addr 0.0.0.0:5000`).
    pub addr: String,
    /// How long a joined client may have bytes waiting for it while its socket takes none of them
    /// before it is dropped as not reading. The broadcaster never waits on it meanwhile (its
    /// sends are non-blocking); this only decides when to give up. Without such a limit, in the Go
    /// original, one client that stops reading blocks the broadcaster's write forever and the
    /// whole room freezes. Also bounds the ID prompt's writes during the handshake.
    pub write_timeout: Duration,
    /// The most bytes that may wait in one client's send queue, beyond what its socket buffers
    /// hold, before it is dropped as not reading (IRC's "SendQ exceeded"). Default 256 KiB: about
    /// 2,500 ordinary chat lines of 100 bytes, or 64 lines at the 4 KiB line limit, so a
    /// client that pauses for a few seconds in a busy room, or receives a join storm's user list,
    /// is not dropped; and 1,000 clients that all stop reading cost at most 256 MiB. Without it, a
    /// client that reads slower than the room talks would grow the server's memory without bound.
    /// Valid: 1 byte and up; a room's rate times the pause it should forgive (see README).
    pub max_backlog: usize,
    /// The longest line a client may send, in bytes, the newline not counted. Without it, a peer
    /// that sends bytes and never a newline grows the server's memory without bound.
    pub max_line: usize,
    /// How long a new connection has to choose a valid ID. Without it, idle sockets that never
    /// speak each hold a thread forever.
    pub id_timeout: Duration,
    /// The most connections served at once, including those still choosing an ID. Without it, a
    /// flood of connections exhausts threads, memory or file descriptors for everyone.
    pub max_clients: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:5000".to_string(),
            write_timeout: Duration::from_secs(2),
            max_backlog: 256 * 1024,
            max_line: 4096,
            id_timeout: Duration::from_secs(60),
            max_clients: 1000,
        }
    }
}

/// The `server --help` text. Every option and its default is here and in the README.
pub const USAGE: &str = "\
Usage: server [OPTIONS]

A real-time TCP chat room. Connect with `make client` or `nc 127.0.0.1 5000`.

Options:
  --addr HOST:PORT           address to listen on [default: 127.0.0.1:5000]
                             (0.0.0.0:5000 opens the room to the network; port 0 picks a free port)
  --write-timeout SECONDS    drop a client whose socket accepts nothing for this long [default: 2]
  --max-backlog BYTES        drop a client with more than this many bytes waiting for it
                             [default: 262144]
  --max-line BYTES           longest line a client may send, newline not counted [default: 4096]
  --id-timeout SECONDS       close a connection that has not chosen an ID in time [default: 60]
  --max-clients N            most connections at once, counting those choosing an ID [default: 1000]
  -h, --help                 print this help";

/// What the command line asked for.
#[derive(Debug)]
pub enum Command {
    Run(Config),
    Help,
}

/// Reads the server's command line (without the program name). The error is a one-line message
/// for a person, naming the option and what it expects.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(option) = args.next() {
        if option == "-h" || option == "--help" {
            return Ok(Command::Help);
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{option} needs a value (see --help)"))?;
        match option.as_str() {
            "--addr" => config.addr = value,
            "--write-timeout" => config.write_timeout = parse_seconds(&option, &value)?,
            "--max-backlog" => config.max_backlog = parse_count(&option, &value)?,
            "--max-line" => config.max_line = parse_count(&option, &value)?,
            "--id-timeout" => config.id_timeout = parse_seconds(&option, &value)?,
            "--max-clients" => config.max_clients = parse_count(&option, &value)?,
            _ => return Err(format!("unknown option {option} (see --help)")),
        }
    }
    Ok(Command::Run(config))
}

/// Seconds, decimals allowed (`0.5`), more than zero.
pub fn parse_seconds(option: &str, value: &str) -> Result<Duration, String> {
    match value.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() => Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("{option} {value}: too large a number of seconds")),
        _ => Err(format!(
            "{option} {value}: expected a number of seconds above 0, like 2 or 0.5"
        )),
    }
}

/// A whole number above zero.
pub fn parse_count(option: &str, value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{option} {value}: expected a whole number above 0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_match_the_help_text() {
        let Ok(Command::Run(config)) = parse_args(args(&[])) else {
            panic!("no arguments must run with defaults");
        };
        assert_eq!(config.addr, "127.0.0.1:5000");
        assert_eq!(config.write_timeout, Duration::from_secs(2));
        assert_eq!(config.max_backlog, 262_144);
        assert_eq!(config.max_line, 4096);
        assert_eq!(config.id_timeout, Duration::from_secs(60));
        assert_eq!(config.max_clients, 1000);
    }

    #[test]
    fn reads_every_option_with_decimal_seconds() {
        let parsed = parse_args(args(&[
            "--addr",
            "0.0.0.0:6000",
            "--write-timeout",
            "0.5",
            "--max-backlog",
            "65536",
            "--max-line",
            "100",
            "--id-timeout",
            "1.25",
            "--max-clients",
            "7",
        ]));
        let Ok(Command::Run(config)) = parsed else {
            panic!("valid options must parse: {parsed:?}");
        };
        assert_eq!(config.addr, "0.0.0.0:6000");
        assert_eq!(config.write_timeout, Duration::from_millis(500));
        assert_eq!(config.max_backlog, 65_536);
        assert_eq!(config.max_line, 100);
        assert_eq!(config.id_timeout, Duration::from_millis(1250));
        assert_eq!(config.max_clients, 7);
    }

    #[test]
    fn explains_bad_options() {
        let error = |list: &[&str]| parse_args(args(list)).expect_err("must be refused");
        assert_eq!(
            error(&["--port", "1"]),
            "unknown option --port (see --help)"
        );
        assert_eq!(error(&["--addr"]), "--addr needs a value (see --help)");
        assert!(error(&["--write-timeout", "-1"]).contains("expected a number of seconds"));
        assert!(error(&["--max-clients", "0"]).contains("whole number above 0"));
        assert!(error(&["--max-backlog", "lots"]).contains("whole number above 0"));
        assert!(matches!(parse_args(args(&["--help"])), Ok(Command::Help)));
    }
}
