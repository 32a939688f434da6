//! The `acceptor` thread: accepts each connection, admits it to the room (or tells it why not),
//! configures its socket and starts its client thread.
//!
//! Go counterpart: `main`'s `for { conn, err := ln.Accept(); ...; go handleClient(conn) }`. The Go
//! original accepts everyone; here the room may refuse a connection (`--max-clients`,
//! `--max-per-address`), and each client thread is named after its peer and runs on a small stack.

use crate::admission::Refusal;
use crate::broadcaster::Event;
use crate::config::Config;
use crate::connection::Session;
use crate::logger::Log;
use crate::protocol;
use crate::room::SharedRoom;
use crate::session;
use crate::stop_signal::StopSignal;
use crate::trace::Trace;
use crossbeam_channel::Sender;
use socket2::{SockRef, TcpKeepalive};
use std::io::{self, IsTerminal, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Stack size of each client thread. A client thread's deepest call is a line read into a heap
/// buffer, so the default 2 MiB is mostly unused address space; a small stack keeps thousands of
/// clients cheap. Measured: the whole integration suite passes in a debug build (the largest
/// frames) with stacks down to 16 KiB, the smallest the platform allows, so 64 KiB leaves 4x room.
pub const CLIENT_STACK_SIZE: usize = 64 * 1024;

/// TCP keepalive on every client socket, so a peer that vanishes without a FIN or a reset (a
/// laptop lid closed, Wi-Fi gone) is noticed even in a quiet room: after 60 s of silence the
/// kernel probes every 10 s, and once `--peer-timeout` (110 s by default) has passed with no
/// answer, the client thread's read fails, the user leaves and the ID is free again. Without it,
/// such a user stays in `/users` and holds the ID forever.
///
/// Keepalive alone does not cover a busy room. While bytes sent to the peer wait unacknowledged
/// in the kernel's send buffer, the kernel retransmits them instead of probing, for about 15
/// minutes (`tcp_retries2`); and as long as that buffer takes the room's lines, the send queue
/// stays empty, so neither `--write-timeout` nor the backlog limits see anything wrong. Hence
/// `TCP_USER_TIMEOUT` beside keepalive (set in `configure_socket`): sent data, or a probe, that
/// stays unanswered for `--peer-timeout` closes the connection, busy room or quiet.
pub const KEEPALIVE_IDLE: Duration = Duration::from_secs(60);
/// See [`KEEPALIVE_IDLE`].
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
/// See [`KEEPALIVE_IDLE`]. With `TCP_USER_TIMEOUT` set, Linux closes the connection once
/// `--peer-timeout` has passed rather than after this many probes; it is set all the same, so the
/// socket says what it would do without it.
pub const KEEPALIVE_RETRIES: u32 = 5;

/// How long the acceptor waits after `accept` fails (say, out of file descriptors) before trying
/// again. Retrying at once would spin a core at 100% while the cause persists.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// The least time between two log lines about failing `accept`s. While the cause persists (out of
/// descriptors), `accept` fails every [`ACCEPT_BACKOFF`]; a line for each buried the log under ten
/// a second. The next line says how many failures it stands for.
pub const ACCEPT_ERROR_LOG_INTERVAL: Duration = Duration::from_secs(10);

/// The `acceptor` thread: the Go original's `for { conn, err := ln.Accept() ... }`.
pub fn run(
    listener: TcpListener,
    room: SharedRoom,
    events: Sender<Event>,
    config: Arc<Config>,
    stop: Arc<StopSignal>,
    log: Log,
) {
    let trace = Trace::new(config.trace, &log);
    let mut errors = AcceptErrors::default();
    for incoming in listener.incoming() {
        if stop.is_raised() {
            // In a terminal the line starts on a row of its own, not after the `^C` it echoed.
            let start = if io::stdout().is_terminal() { "\n" } else { "" };
            log.line(format!("{start}{}", protocol::log::shutting_down()));
            turn_away_the_rest(incoming, &listener, &config);
            break;
        }
        match incoming {
            Ok(stream) => admit(stream, &room, &events, &config, &stop, &log, &trace),
            Err(error) => {
                if let Some(line) = errors.failed(&error, Instant::now()) {
                    log.error(line);
                }
                thread::sleep(ACCEPT_BACKOFF);
            }
        }
    }
    // Dropping `events` here is what lets the broadcaster finish once the client threads are gone.
    // It sees the stop itself (it waits on the stop signal too), never behind a full channel.
    drop(events);
}

/// The most connections told of the stop once it is raised: as many as the listen backlog holds
/// (the server asks the kernel for 4096), so a peer connecting in a loop cannot hold the stop.
pub const MAX_TURNED_AWAY: usize = 4096;

/// Once the stop is raised: tells the connection just accepted, and every one already waiting
/// in the listen backlog, that the server is stopping. Dropped unread instead, they would see the
/// connection closed or reset with no reason given.
fn turn_away_the_rest(first: io::Result<TcpStream>, listener: &TcpListener, config: &Config) {
    let stopping = |stream: TcpStream| {
        // NOTE: ignoring errors: the connection is closed right after, either way.
        let _ = stream.set_write_timeout(Some(config.write_timeout));
        refuse(&stream, &Refusal::ShuttingDown, config);
    };
    if let Ok(stream) = first {
        stopping(stream);
    }
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    for _ in 0..MAX_TURNED_AWAY {
        match listener.accept() {
            Ok((stream, _)) => stopping(stream),
            Err(_) => return,
        }
    }
}

/// Failing `accept`s, logged at most once per [`ACCEPT_ERROR_LOG_INTERVAL`].
#[derive(Default)]
struct AcceptErrors {
    last_logged: Option<Instant>,
    /// Failures since the last line.
    unlogged: u64,
}

impl AcceptErrors {
    /// Counts a failure at `now`, and returns the line to log if one is due.
    fn failed(&mut self, error: &io::Error, now: Instant) -> Option<String> {
        if self
            .last_logged
            .is_some_and(|last| now.duration_since(last) < ACCEPT_ERROR_LOG_INTERVAL)
        {
            self.unlogged += 1;
            return None;
        }
        let mut line = format!("[SERVER] accepting a connection failed: {error}; retrying shortly");
        if self.unlogged > 0 {
            line += &format!(
                " ({} more failures since the last such line)",
                self.unlogged
            );
        }
        self.last_logged = Some(now);
        self.unlogged = 0;
        Some(line)
    }
}

/// Registers a new connection and starts its client thread, or turns it away when the room is
/// full or its address has `--max-per-address` connections open already.
fn admit(
    stream: TcpStream,
    room: &SharedRoom,
    events: &Sender<Event>,
    config: &Arc<Config>,
    stop: &Arc<StopSignal>,
    log: &Log,
    trace: &Trace,
) {
    let Ok(peer) = stream.peer_addr() else {
        return; // The peer hung up before we looked.
    };
    if configure_socket(&stream, config).is_err() {
        return; // The peer hung up already.
    }
    let stream = Arc::new(stream);
    let admitted =
        room.lock()
            .admission
            .admit(Arc::clone(&stream), peer.ip(), config, Instant::now());
    let connection = match admitted {
        Ok(connection) => connection,
        Err(refusal) => return refuse(&stream, &refusal, config),
    };
    let session = Session {
        connection,
        stream,
        room: Arc::clone(room),
        events: events.clone(),
        config: Arc::clone(config),
        stop: Arc::clone(stop),
        trace: trace.clone(),
    };
    // Traced before the spawn: the new thread's own first steps must come after this one.
    trace.step(|| format!("{peer} connected; started thread client-{peer}"));
    let spawned = thread::Builder::new()
        .name(format!("client-{peer}"))
        .stack_size(CLIENT_STACK_SIZE)
        .spawn(move || session::run(session));
    if let Err(error) = spawned {
        log.error(format!(
            "[SERVER] cannot start a thread for {peer}: {error}; closing it"
        ));
        room.lock().admission.release(connection);
    }
}

/// Tells a refused connection why, before it is closed (when `stream` is dropped).
fn refuse(stream: &TcpStream, refusal: &Refusal, config: &Config) {
    let line = match refusal {
        Refusal::Full => protocol::server_full(config.max_clients),
        Refusal::TooManyFromAddress => protocol::TOO_MANY_FROM_ADDRESS.to_string(),
        Refusal::Throttled(wait) => protocol::throttled(*wait),
        Refusal::ShuttingDown => protocol::SHUTTING_DOWN.to_string(),
    };
    // NOTE: ignoring errors: the connection is closed right after, either way. A client that
    // already sent bytes may see a reset instead of this line: closing a socket with unread
    // input resets it.
    let _ = (&*stream).write_all(format!("{line}\n").as_bytes());
}

/// The write timeout bounds the client thread's own writes during the handshake (the broadcaster's
/// sends never wait; see [`crate::send_queue`]). Keepalive notices a vanished peer (see
/// [`KEEPALIVE_IDLE`]), and `TCP_USER_TIMEOUT` does in a busy room too. `TCP_NODELAY` sends each
/// write at once: with Nagle's algorithm on, a write waits for the ACK of the previous one, and a client that only listens ACKs late (Linux delays an ACK up to 40 ms),
/// so one chat line in three arrived about 40 ms late in a room of ten (measured, see docs/performance.md).
fn configure_socket(stream: &TcpStream, config: &Config) -> io::Result<()> {
    stream.set_write_timeout(Some(config.write_timeout))?;
    let keepalive = TcpKeepalive::new()
        .with_time(KEEPALIVE_IDLE)
        .with_interval(KEEPALIVE_INTERVAL)
        .with_retries(KEEPALIVE_RETRIES);
    let socket = SockRef::from(stream);
    socket.set_tcp_keepalive(&keepalive)?;
    // NOTE: only where socket2 defines it (the same `cfg` as its `set_tcp_user_timeout`). macOS
    // has no `TCP_USER_TIMEOUT`: there a vanished peer in a busy room is noticed by TCP's own
    // retransmission timeout, or by `--write-timeout` once its socket buffer is full (design.md).
    #[cfg(any(
        target_os = "android",
        target_os = "fuchsia",
        target_os = "linux",
        target_os = "cygwin",
    ))]
    socket.set_tcp_user_timeout(Some(config.peer_timeout))?;
    // Apple's systems have no reliable `MSG_NOSIGNAL` (see `crate::send_queue`): the socket itself
    // is told not to raise SIGPIPE (socket2's `set_nosigpipe` has this `cfg`).
    #[cfg(any(
        target_os = "ios",
        target_os = "visionos",
        target_os = "macos",
        target_os = "tvos",
        target_os = "watchos",
    ))]
    socket.set_nosigpipe(true)?;
    stream.set_nodelay(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logger::LogSink;
    use std::io::BufRead;

    #[test]
    fn accept_errors_are_logged_once_per_interval_with_a_count() {
        let start = Instant::now();
        let mut errors = AcceptErrors::default();
        let emfile = io::Error::from_raw_os_error(libc::EMFILE);
        let first = errors.failed(&emfile, start).expect("the first is logged");
        assert!(
            first.starts_with("[SERVER] accepting a connection failed: "),
            "{first}"
        );
        for tenth in 1..100 {
            let now = start + ACCEPT_BACKOFF * tenth;
            assert_eq!(errors.failed(&emfile, now), None);
        }
        let next = errors
            .failed(&emfile, start + ACCEPT_ERROR_LOG_INTERVAL)
            .expect("one line per interval");
        assert!(next.ends_with("; retrying shortly (99 more failures since the last such line)"));
    }

    /// Connections accepted once the stop is raised, the one that wakes the acceptor and those
    /// waiting behind it in the listen backlog, are each told the server is stopping before they
    /// are closed, and none is admitted.
    #[test]
    fn connections_accepted_after_the_stop_are_told_it() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding loopback");
        let addr = listener.local_addr().unwrap();
        // Connected before the acceptor runs: each has finished its TCP handshake and waits in
        // the backlog, so the acceptor meets all of them after the stop, every time.
        let waiting: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let stop = Arc::new(StopSignal::default());
        stop.raise();
        let (events, inbox) = crossbeam_channel::unbounded();
        let (log, _logger) = Log::start(LogSink::discard()).expect("starting the logger");
        let room = crate::room::Room::shared();
        let config = Arc::new(Config::default());
        run(listener, Arc::clone(&room), events, config, stop, log);
        for stream in waiting {
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut line = String::new();
            io::BufReader::new(stream).read_line(&mut line).unwrap();
            assert_eq!(line, format!("{}\n", protocol::SHUTTING_DOWN));
        }
        assert!(inbox.try_recv().is_err(), "nobody was admitted");
    }

    /// Every client socket gets the keepalive and the user timeout that free a vanished peer's ID
    /// in about two minutes, whatever the system's defaults (Linux: two hours of silence before
    /// any probe, and about 15 minutes of retransmissions).
    #[test]
    fn client_sockets_probe_a_silent_peer() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding loopback");
        let _peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().unwrap();
        configure_socket(&stream, &Config::default()).expect("configuring the socket");
        let socket = SockRef::from(&stream);
        assert!(socket.keepalive().unwrap());
        assert_eq!(socket.tcp_keepalive_time().unwrap(), KEEPALIVE_IDLE);
        assert_eq!(socket.tcp_keepalive_interval().unwrap(), KEEPALIVE_INTERVAL);
        assert_eq!(socket.tcp_keepalive_retries().unwrap(), KEEPALIVE_RETRIES);
        #[cfg(any(
            target_os = "android",
            target_os = "fuchsia",
            target_os = "linux",
            target_os = "cygwin",
        ))]
        assert_eq!(
            socket.tcp_user_timeout().unwrap(),
            Some(Config::default().peer_timeout)
        );
        assert!(socket.tcp_nodelay().unwrap());
    }
}
