//! The server's settings: where to listen and every limit, each with the reason it exists.
//!
//! Go counterpart: the original's `flag.Int("port", ...)` and nothing else. It has no limits, and
//! the doc comment on each field below says what goes wrong without it. The `server` binary fills a
//! [`Config`] from its command line; tests build one directly, usually on port 0 with short timeouts.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Everything [`crate::Server::bind`] needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen. The default is loopback only: opening a classroom chat to the network is
    /// a decision to make on purpose (`--addr 0.0.0.0:5000`).
    pub addr: String,
    /// How long the broadcaster may wait on one client's socket in one round of writes. Without
    /// it, one client that stops reading fills its socket buffer, the broadcaster's write blocks
    /// forever, and the whole room freezes (the Go original's behaviour).
    pub write_timeout: Duration,
    /// The longest line a client may send, in bytes, the newline not counted. Without it, a peer
    /// that sends bytes and never a newline grows the server's memory without bound.
    pub max_line: usize,
    /// How long a new connection has to choose a valid ID. Without it, idle sockets that never
    /// speak each hold a thread forever.
    pub id_timeout: Duration,
    /// The most connections served at once, including those still choosing an ID. Without it, a
    /// flood of connections exhausts threads, memory or file descriptors for everyone.
    pub max_clients: usize,
    /// The most connections open at once from one IP address, joined or choosing an ID. Without
    /// it, one laptop that opens `max_clients` connections and never sends an ID shuts every real
    /// user out (`** Server is full **`) for as long as `id_timeout`. ergo (IRC) uses 16 too:
    /// enough for a household or a few terminals behind one address.
    pub max_per_address: usize,
    /// Addresses that `max_per_address` does not count: by default the server's own machine
    /// (`127.0.0.1`, `::1`), so the operator, the tests and `make bench` are never limited. Listing
    /// addresses on the command line replaces the defaults.
    pub exempt: Vec<IpAddr>,
    /// Lines a second a joined client may send after its `burst`; 0 turns pacing off. Without
    /// it, `yes | nc HOST 5000` relays millions of lines a second to every screen in the room.
    /// The default, 5, is above anyone typing (a fast typist finishes a short line a second or
    /// so) and still turns a flood into a readable trickle.
    pub max_rate: u32,
    /// Lines a joined client may send at once before `max_rate` applies. The default, 50, lets
    /// a pasted snippet of a screenful through unpaced; only a longer paste is slowed, and even
    /// then nothing is lost.
    pub burst: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:5000".to_string(),
            write_timeout: Duration::from_secs(2),
            max_line: 4096,
            id_timeout: Duration::from_secs(60),
            max_clients: 1000,
            max_per_address: 16,
            exempt: vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()],
            max_rate: 5,
            burst: 50,
        }
    }
}

impl Config {
    /// Whether connections from `ip` count towards `max_per_address`. An IPv4 client of a server
    /// listening on `[::]` arrives as `::ffff:127.0.0.1`; it is compared as `127.0.0.1`.
    pub fn counts(&self, ip: IpAddr) -> bool {
        !self.exempt.contains(&ip.to_canonical())
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
  --max-line BYTES           longest line a client may send, newline not counted [default: 4096]
  --id-timeout SECONDS       close a connection that has not chosen an ID in time [default: 60]
  --max-clients N            most connections at once, counting those choosing an ID [default: 1000]
  --max-per-address N        most connections at once from one IP address [default: 16]
  --exempt ADDR              an IP address --max-per-address does not count; repeatable, and
                             replaces the default [default: 127.0.0.1 and ::1]
  --max-rate LINES           lines a second a joined client may send after its burst;
                             faster senders are delayed, not cut off; 0 turns it off [default: 5]
  --burst LINES              lines a client may send at once before --max-rate applies [default: 50]
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
    let mut exempt_given = false;
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
            "--max-line" => config.max_line = parse_count(&option, &value)?,
            "--id-timeout" => config.id_timeout = parse_seconds(&option, &value)?,
            "--max-clients" => config.max_clients = parse_count(&option, &value)?,
            "--max-per-address" => config.max_per_address = parse_count(&option, &value)?,
            "--exempt" => {
                if !exempt_given {
                    config.exempt.clear();
                    exempt_given = true;
                }
                config.exempt.push(parse_ip(&option, &value)?);
            }
            "--max-rate" => config.max_rate = parse_lines(&option, &value, 0)?,
            "--burst" => config.burst = parse_lines(&option, &value, 1)?,
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

/// An IP address, v4 or v6, without a port.
fn parse_ip(option: &str, value: &str) -> Result<IpAddr, String> {
    value.parse::<IpAddr>().map_err(|_| {
        format!("{option} {value}: expected an IP address without a port, like 127.0.0.1 or ::1")
    })
}

/// A whole number of lines, at least `min`.
fn parse_lines(option: &str, value: &str, min: u32) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!(
            "{option} {value}: expected a whole number of lines, {min} or more"
        )),
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
        assert_eq!(config.max_line, 4096);
        assert_eq!(config.id_timeout, Duration::from_secs(60));
        assert_eq!(config.max_clients, 1000);
        assert_eq!(config.max_per_address, 16);
        assert_eq!(config.exempt, ["127.0.0.1", "::1"].map(ip));
        assert_eq!((config.max_rate, config.burst), (5, 50));
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("a valid address")
    }

    #[test]
    fn exempt_replaces_the_defaults_and_repeats() {
        let parsed = parse_args(args(&[
            "--exempt",
            "10.0.0.5",
            "--exempt",
            "fe80::1",
            "--max-rate",
            "0",
            "--burst",
            "1",
            "--max-per-address",
            "2",
        ]));
        let Ok(Command::Run(config)) = parsed else {
            panic!("valid options must parse: {parsed:?}");
        };
        assert_eq!(config.exempt, ["10.0.0.5", "fe80::1"].map(ip));
        assert!(config.counts(ip("127.0.0.1")));
        assert!(!config.counts(ip("10.0.0.5")));
        assert_eq!(
            (config.max_rate, config.burst, config.max_per_address),
            (0, 1, 2)
        );
    }

    #[test]
    fn loopback_is_exempt_in_either_family() {
        let config = Config::default();
        for exempt in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert!(!config.counts(ip(exempt)), "{exempt}");
        }
        assert!(config.counts(ip("127.0.0.2")));
    }

    #[test]
    fn reads_every_option_with_decimal_seconds() {
        let parsed = parse_args(args(&[
            "--addr",
            "0.0.0.0:6000",
            "--write-timeout",
            "0.5",
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
        assert!(error(&["--exempt", "1.2.3.4:5"]).contains("without a port"));
        assert!(error(&["--burst", "0"]).contains("1 or more"));
        assert!(error(&["--max-rate", "-1"]).contains("0 or more"));
        assert!(matches!(parse_args(args(&["--help"])), Ok(Command::Help)));
    }
}
