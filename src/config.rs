//! The server's settings: where to listen and every limit, each with the reason it exists and the
//! range it may take.
//!
//! Go counterpart: the original's `flag.Int("port", ...)` and nothing else. It has no limits, and
//! the doc comment on each field below says what goes wrong without it. The same declarations are
//! the `server` command line (through `clap`): each option, its default, its range and its help
//! line are written once, here. Tests build a [`Config`] directly, usually on port 0 with short
//! timeouts.

use crate::cli::{seconds_between, whole_between};
use clap::Parser;
use std::net::IpAddr;
use std::time::Duration;

/// Everything [`crate::Server::bind`] needs to know, and the `server` command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "server",
    version,
    next_line_help = true,
    // `--write-timeout -1` is a value out of range, not an unknown option `-1`.
    allow_negative_numbers = true,
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

    /// How long a joined client may have bytes waiting for it while its socket takes none of them
    /// before it is dropped as not reading. The broadcaster never waits on it meanwhile (its
    /// sends are non-blocking); this only decides when to give up. Without such a limit, in the Go
    /// original, one client that stops reading blocks the broadcaster's write forever and the
    /// whole room freezes. Also bounds the ID prompt's writes during the handshake. Below 10 ms a
    /// busy but healthy client would be dropped; above an hour it no longer protects anyone.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "2",
        value_parser = seconds_between(0.01, 3600.0),
        help = "drop a client whose socket takes nothing for this long (0.01 to 3600)"
    )]
    pub write_timeout: Duration,

    /// The hard limit: more than this many bytes overdue for one client (waiting in its send
    /// queue after its socket has had a chance to take them, beyond what its socket buffers hold)
    /// drops it at once (IRC's "SendQ exceeded"). Default 16 MiB: five students pasting 50 lines of
    /// 4 KB at once owe each reader 1 MB, and a laptop that pauses for 300 ms during a burst with
    /// pacing off can fall about 8.4 MB behind; twice that still fits. Lower, the paused laptop is
    /// thrown out for being busy; memory is not this limit's job (see `room_budget`). At least
    /// [`MIN_MAX_BACKLOG`].
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "16777216",
        value_parser = whole_between::<usize>(MIN_MAX_BACKLOG, MAX_MAX_BACKLOG),
        help = "drop a client with more than this many bytes overdue, at once (4096 to 1073741824)"
    )]
    pub max_backlog: usize,

    /// The soft limit: a client with more than this many bytes overdue for `soft_timeout` without
    /// a break is dropped (Redis's `client-output-buffer-limit` soft limit). It reads, but slower
    /// than the room talks, and would only fall further behind. Default 1 MiB: a classroom paste
    /// (1 MB per reader) passes it only briefly.
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "1048576",
        value_parser = whole_between::<usize>(MIN_MAX_BACKLOG, MAX_MAX_BACKLOG),
        help = "a client with more than this many bytes overdue for --soft-timeout is dropped \
                (4096 to 1073741824)"
    )]
    pub soft_backlog: usize,

    /// How long a client may stay above `soft_backlog` without a break. Default 10 s: on a
    /// 100 Mbit/s classroom network, 25 readers take a 1 MB paste each in about 2 s, so a
    /// reader still above the soft limit after five times that is not catching up.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "10",
        value_parser = seconds_between(0.01, 3600.0),
        help = "how long a client may stay above --soft-backlog (0.01 to 3600)"
    )]
    pub soft_timeout: Duration,

    /// The most bytes that may wait in all clients' send queues together. When they reach it, the
    /// broadcaster takes no events for a moment (the channel fills, the client threads stop
    /// reading, TCP slows the senders: backpressure), and sheds the clients that hold the most and
    /// have been behind for over half a second, the biggest first, until the room is under it
    /// again (see [`crate::budget`]). Without it, 200 stalled clients could hold 200 times
    /// `max_backlog` (3.2 GB) before the rules dropped them; with backpressure alone, readers
    /// that trickle on purpose froze the room. Default 32 MiB: a classroom paste owes 25 readers
    /// 25 MB in all and never reaches it.
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "33554432",
        value_parser = whole_between::<usize>(MIN_ROOM_BUDGET, MAX_ROOM_BUDGET),
        help = "when this many bytes wait for all clients together, shed the clients holding the \
                most (1048576 to 68719476736)"
    )]
    pub room_budget: usize,

    /// How long a connection's sent bytes (or keepalive probes) may go unanswered before the
    /// kernel closes it (`TCP_USER_TIMEOUT`, see [`crate::acceptor`]). Without it, a peer whose
    /// network vanished keeps its ID for about 15 minutes in a lightly busy room, while TCP
    /// retransmits the bytes waiting in its send buffer. Default 110 s, the same as keepalive's
    /// bound in a quiet room, so that an ID is freed within about two minutes either way.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "110",
        value_parser = seconds_between(1.0, 3600.0),
        help = "free the ID of a peer that answers nothing for this long (1 to 3600)"
    )]
    pub peer_timeout: Duration,

    /// The longest line a client may send, in bytes, the newline not counted. Without it, a peer
    /// that sends bytes and never a newline grows the server's memory without bound. At least
    /// [`MIN_MAX_LINE`], so that every valid ID fits; at most [`MAX_MAX_LINE`].
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "4096",
        value_parser = whole_between::<usize>(MIN_MAX_LINE, MAX_MAX_LINE),
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
    /// serves well (see the performance chapter). The `server` binary lowers it at start to what
    /// the system's thread limits allow, and warns when the descriptors cannot hold it
    /// ([`crate::limits`]).
    #[arg(
        long,
        value_name = "N",
        default_value = "1000",
        value_parser = whole_between::<usize>(1, MAX_MAX_CLIENTS),
        help = "most connections at once, those choosing an ID too (1 to 100000)"
    )]
    pub max_clients: usize,

    /// The most connections open at once from one IP address, joined or choosing an ID. Without
    /// it, one laptop that opens `max_clients` connections and never sends an ID shuts every real
    /// user out (`** Server is full **`) for as long as `id_timeout`. ergo (IRC) uses 16 too:
    /// enough for a household or a few terminals behind one address.
    #[arg(
        long,
        value_name = "N",
        default_value = "16",
        value_parser = whole_between::<usize>(1, MAX_MAX_CLIENTS),
        help = "most connections at once from one IP address, an IPv6 one counted by its /64 (1 to 100000)"
    )]
    pub max_per_address: usize,

    /// The most new connections one IP address (an IPv6 one by its /64) may open in a minute;
    /// past it, a connection is told when to come back and closed. 0 turns it off. Without it,
    /// one address reconnecting in a loop puts thousands of join and leave notices a second on
    /// every screen, which `max_per_address` never sees (one connection at a time). 30 is twice
    /// what a household needs to open `max_per_address` connections and reconnect each once;
    /// ergo allows 32 in ten minutes. The `exempt` addresses are not throttled either.
    #[arg(
        long,
        value_name = "N",
        default_value = "30",
        value_parser = clap::value_parser!(u32).range(0..=MAX_RATE),
        help = "most new connections a minute from one IP address, an IPv6 one by its /64 (0 to 1000000, 0: off)"
    )]
    pub max_connects_per_minute: u32,

    /// Addresses that `max_per_address` and `max_connects_per_minute` do not count: by default
    /// the server's own machine (`127.0.0.1`, `::1`), so the operator, the tests and `make bench`
    /// are never limited. Listing addresses on the command line replaces the defaults.
    #[arg(
        long,
        value_name = "ADDR",
        default_values = ["127.0.0.1", "::1"],
        help = "an IP address --max-per-address and --max-connects-per-minute do not count; repeatable, replaces the default"
    )]
    pub exempt: Vec<IpAddr>,

    /// Lines a second a joined client may send after its `burst`; 0 turns pacing off. Without
    /// it, `yes | nc HOST 5000` relays millions of lines a second to every screen in the room.
    /// The default, 5, is above anyone typing (a fast typist finishes a short line a second or
    /// so) and still turns a flood into a readable trickle.
    #[arg(
        long,
        value_name = "LINES",
        default_value = "5",
        value_parser = whole_between::<u32>(0, MAX_RATE as u64),
        help = "lines a second a joined client may send after its burst; faster ones wait (0 to 1000000, 0: off)"
    )]
    pub max_rate: u32,

    /// Lines a joined client may send at once before `max_rate` applies. The default, 50, lets
    /// a pasted snippet of a screenful through unpaced; only a longer paste is slowed, and even
    /// then nothing is lost.
    #[arg(
        long,
        value_name = "LINES",
        default_value = "50",
        value_parser = whole_between::<u32>(1, MAX_RATE as u64),
        help = "lines a client may send at once before --max-rate applies (1 to 1000000)"
    )]
    pub burst: u32,

    /// Log one line per step of each message's life, named by the thread that took it (see
    /// [`crate::trace`]). Off by default: it is for watching the threads work, in a demo or a
    /// lesson, and a busy room would bury the `[SERVER]` lines under it.
    #[arg(
        long,
        help = "log each step of each message, named by the thread that took it (for teaching)"
    )]
    pub trace: bool,
}

impl Config {
    /// Whether connections from `ip` count towards `max_per_address`. An IPv4 client of a server
    /// listening on `[::]` arrives as `::ffff:127.0.0.1`; it is compared as `127.0.0.1`, and so
    /// is an exempt address written that way (`--exempt ::ffff:127.0.0.2`).
    pub fn counts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        !self.exempt.iter().any(|exempt| exempt.to_canonical() == ip)
    }
}

/// The smallest `--max-line`: an ID of [`crate::id::MAX_ID_CHARS`] characters of up to
/// four UTF-8 bytes each must fit in one line.
pub const MIN_MAX_LINE: u64 = 4 * crate::id::MAX_ID_CHARS as u64;

/// The largest `--max-line`: every client thread may hold one line this long, so a thousand
/// clients could hold a gigabyte.
pub const MAX_MAX_LINE: u64 = 1024 * 1024;

/// The smallest `--max-backlog` and `--soft-backlog`: one line of the default `--max-line`. Below
/// it, any long line the socket could not take at once would drop its reader.
pub const MIN_MAX_BACKLOG: u64 = 4096;

/// The largest `--max-backlog`: a gibibyte waiting for one client is already no limit at all.
pub const MAX_MAX_BACKLOG: u64 = 1 << 30;

/// The smallest `--room-budget`: below a mebibyte, a single long line sent to a room of a few
/// hundred would already fill it.
pub const MIN_ROOM_BUDGET: u64 = 1 << 20;

/// The largest `--room-budget`: 64 GiB of queued chat is already no budget at all.
pub const MAX_ROOM_BUDGET: u64 = 1 << 36;

/// The largest `--max-clients` (and `--max-per-address`).
pub const MAX_MAX_CLIENTS: u64 = 100_000;

/// The largest `--max-rate` and `--burst`: a million lines a second is already "no limit".
pub const MAX_RATE: i64 = 1_000_000;

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
        assert_eq!(config.max_backlog, 16 * 1024 * 1024);
        assert_eq!(config.soft_backlog, 1024 * 1024);
        assert_eq!(config.soft_timeout, Duration::from_secs(10));
        assert_eq!(config.room_budget, 32 * 1024 * 1024);
        assert_eq!(config.peer_timeout, Duration::from_secs(110));
        assert_eq!(config.max_line, 4096);
        assert_eq!(config.id_timeout, Duration::from_secs(60));
        assert_eq!(config.max_clients, 1000);
        assert_eq!(
            (config.max_per_address, config.max_rate, config.burst),
            (16, 5, 50)
        );
        assert_eq!(config.max_connects_per_minute, 30);
        let loopback: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
        assert_eq!(config.exempt, loopback);
    }

    #[test]
    fn exempt_addresses_replace_the_default_and_may_repeat() {
        let config = parse(&[
            "--exempt",
            "10.0.0.1",
            "--exempt=10.0.0.2",
            "--max-rate",
            "0",
        ])
        .expect("valid options must parse");
        let listed: Vec<IpAddr> = vec!["10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()];
        assert_eq!(config.exempt, listed);
        assert_eq!(config.max_rate, 0);
        assert!(config.counts("127.0.0.1".parse().unwrap()));
        assert!(!config.counts("::ffff:10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn an_exempt_address_is_normalised_like_the_peer() {
        let config = parse(&["--exempt", "::ffff:127.0.0.2"]).expect("valid options must parse");
        assert!(!config.counts("127.0.0.2".parse().unwrap()));
        assert!(!config.counts("::ffff:127.0.0.2".parse().unwrap()));
        assert!(config.counts("127.0.0.3".parse().unwrap()));
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
            ["--max-per-address", "0"],
            ["--max-backlog", "4095"],
            ["--soft-backlog", "4095"],
            ["--soft-timeout", "0"],
            ["--room-budget", "1048575"],
            ["--peer-timeout", "0.5"],
            ["--burst", "0"],
            ["--max-rate", "-1"],
            ["--exempt", "localhost"],
        ] {
            assert!(parse(&bad).is_err(), "{bad:?} must be refused");
        }
    }
}
