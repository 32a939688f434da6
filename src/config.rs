//! The server's settings: where to listen and every limit, each with the reason it exists and the
//! range it may take.
//!
//! Go counterpart: the original's `flag.Int("port", ...)` and nothing else. It has no limits, and
//! the doc comment on each field below says what goes wrong without it. The same declarations are
//! the `server` command line (through `clap`): each option, its default, its range and its help
//! line are written once, here. Tests build a [`Config`] directly, usually on port 0 with short
//! timeouts.

use crate::cli::seconds_between;
use clap::Parser;
use clap::builder::RangedU64ValueParser;
use std::time::Duration;

/// Everything [`crate::Server::bind`] needs to know, and the `server` command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "server",
    version,
    next_line_help = true,
    about = "A real-time TCP chat room. Connect with `make client` or `nc 127.0.0.1 5000`."
)]
pub struct Config {
    /// Where to listen. The default is loopback only: opening a classroom chat to the network is
    /// a decision to make on purpose (`--addr 0.0.0.0:5000`).
    #[arg(
        long,
        value_name = "HOST:PORT",
        default_value = "127.0.0.1:5000",
        help = "address to listen on; 0.0.0.0:PORT opens it to the network, port 0 picks one"
    )]
    pub addr: String,

    /// How long the broadcaster may wait on one client's socket in one round of writes. Without
    /// it, one client that stops reading fills its socket buffer, the broadcaster's write blocks
    /// forever, and the whole room freezes (the Go original's behaviour). Below 10 ms a busy but
    /// healthy client would be dropped; above an hour it no longer protects anyone.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "2",
        value_parser = seconds_between(0.01, 3600.0),
        help = "drop a client whose socket takes nothing for this long (0.01 to 3600)"
    )]
    pub write_timeout: Duration,

    /// The longest line a client may send, in bytes, the newline not counted. Without it, a peer
    /// that sends bytes and never a newline grows the server's memory without bound. At least
    /// [`MIN_MAX_LINE`], so that every valid ID fits; at most [`MAX_MAX_LINE`].
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "4096",
        value_parser = RangedU64ValueParser::<usize>::new().range(MIN_MAX_LINE..=MAX_MAX_LINE),
        help = "longest line a client may send, newline not counted (128 to 1048576)"
    )]
    pub max_line: usize,

    /// How long a new connection has to choose a valid ID. Without it, idle sockets that never
    /// speak each hold a thread forever.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "60",
        value_parser = seconds_between(0.1, 86400.0),
        help = "close a connection that has chosen no ID by then (0.1 to 86400)"
    )]
    pub id_timeout: Duration,

    /// The most connections served at once, including those still choosing an ID. Without it, a
    /// flood of connections exhausts threads, memory or file descriptors for everyone. Each one is
    /// a thread and a file descriptor, so [`MAX_MAX_CLIENTS`] is already far past what one machine
    /// serves well (see the performance chapter).
    #[arg(
        long,
        value_name = "N",
        default_value = "1000",
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_MAX_CLIENTS),
        help = "most connections at once, those choosing an ID too (1 to 100000)"
    )]
    pub max_clients: usize,
}

/// The smallest `--max-line`: an ID of [`crate::protocol::MAX_ID_CHARS`] characters of up to
/// four UTF-8 bytes each must fit in one line.
pub const MIN_MAX_LINE: u64 = 4 * crate::protocol::MAX_ID_CHARS as u64;

/// The largest `--max-line`: every client thread may hold one line this long, so a thousand
/// clients could hold a gigabyte.
pub const MAX_MAX_LINE: u64 = 1024 * 1024;

/// The largest `--max-clients`.
pub const MAX_MAX_CLIENTS: u64 = 100_000;

impl Default for Config {
    /// The command line's defaults, so that they are written in one place only.
    fn default() -> Self {
        Config::parse_from(["server"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(list: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(std::iter::once("server").chain(list.iter().copied()))
    }

    #[test]
    fn the_declarations_are_consistent() {
        Config::command().debug_assert();
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let config = Config::default();
        assert_eq!(config.addr, "127.0.0.1:5000");
        assert_eq!(config.write_timeout, Duration::from_secs(2));
        assert_eq!(config.max_line, 4096);
        assert_eq!(config.id_timeout, Duration::from_secs(60));
        assert_eq!(config.max_clients, 1000);
    }

    #[test]
    fn reads_every_option_with_decimal_seconds() {
        let config = parse(&[
            "--addr=0.0.0.0:6000",
            "--write-timeout",
            "0.5",
            "--max-line",
            "128",
            "--id-timeout",
            "1.25",
            "--max-clients",
            "7",
        ])
        .expect("valid options must parse");
        assert_eq!(config.addr, "0.0.0.0:6000");
        assert_eq!(config.write_timeout, Duration::from_millis(500));
        assert_eq!(config.max_line, 128);
        assert_eq!(config.id_timeout, Duration::from_millis(1250));
        assert_eq!(config.max_clients, 7);
    }

    /// Each of these once panicked a thread, wrapped around or closed every connection.
    #[test]
    fn refuses_values_out_of_range() {
        for bad in [
            ["--write-timeout", "1e19"],
            ["--write-timeout", "0.0000000001"],
            ["--id-timeout", "1e19"],
            ["--max-line", "18446744073709551615"],
            ["--max-line", "127"],
            ["--max-clients", "0"],
            ["--max-clients", "100001"],
        ] {
            assert!(parse(&bad).is_err(), "{bad:?} must be refused");
        }
    }
}
