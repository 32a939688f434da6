//! The server: binds the listener, starts the threads, and stops them in order.
//!
//! Go counterpart: `func main()` of the original. Its goroutines map onto named threads:
//!
//! | Go goroutine                  | Rust thread            | started by                  |
//! |-------------------------------|------------------------|-----------------------------|
//! | `main`'s `for { ln.Accept() }`| `acceptor`             | [`Server::bind`]            |
//! | `go broadcaster()`            | `broadcaster`          | [`Server::bind`]            |
//! | `go handleClient(conn)`       | `client-<peer addr>`   | the acceptor, per connection|
//! | (none: `fmt.Println` blocks)  | `logger`               | [`Server::bind`]            |
//!
//! The acceptor's own work, admitting each connection and starting its thread, is in
//! [`crate::acceptor`].
//!
//! Shutdown's order ([`Server::shutdown`], or [`Stopper::stop`] from another thread): the stop
//! signal is raised (Go's `close(done)`); the acceptor stops accepting and drops its sender; the
//! broadcaster, which waits on the signal beside its channel, tells every joined client within
//! [`crate::broadcaster::STOP_GRACE`], closes every connection, and ends once the last client
//! thread has dropped its sender.

use crate::acceptor;
use crate::broadcaster;
use crate::config::Config;
use crate::drop_rules::Limits;
use crate::logger::{Log, LogSink};
use crate::room::Room;
use crate::stop_signal::StopSignal;
use crate::trace::Trace;
use socket2::SockRef;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How many connections the kernel may hold, completed but not yet accepted. `TcpListener::bind`
/// asks for 128; when thousands of clients connect at once (a class joining, or `make bench`'s
/// scale scenario), the 129th finds the queue full, the kernel drops its handshake and the client
/// waits seconds for a retry, or forever. Linux caps the number at `net.core.somaxconn` (4096 by
/// default); the Go runtime asks for that value too. std has no call for it, hence `socket2`.
pub const LISTEN_BACKLOG: i32 = 4096;

/// How long [`Server::wait`] gives the logger, once the room has stopped, to write the lines still
/// queued (the last ones say how the server stopped). Bounded, because a blocked output never
/// takes them: then they are lost rather than the exit.
pub const LOG_FLUSH_TIMEOUT: Duration = Duration::from_secs(1);

/// How often [`Server::wait`] looks whether the logger has finished.
const LOG_FLUSH_POLL: Duration = Duration::from_millis(5);

/// A running server. Dropping it shuts it down, so a failing test never leaks its threads.
pub struct Server {
    local_addr: SocketAddr,
    /// Starts the shutdown; [`Server::stopper`] hands out clones of it.
    stopper: Stopper,
    acceptor: Option<JoinHandle<()>>,
    broadcaster: Option<JoinHandle<()>>,
    /// Ends once the acceptor, the broadcaster and every client thread have dropped their log
    /// handles and it has written what they queued.
    logger: JoinHandle<()>,
}

impl Server {
    /// Binds `config.addr` and starts the acceptor, broadcaster and logger threads, logging to
    /// standard output (and accept errors to standard error).
    pub fn bind(config: Config) -> io::Result<Server> {
        Server::bind_with_log(config, LogSink::stdio())
    }

    /// [`Server::bind`], with the log written to `sink` instead.
    pub fn bind_with_log(config: Config, sink: LogSink) -> io::Result<Server> {
        let listener = TcpListener::bind(&config.addr)?;
        // `listen` on a socket that is already listening only changes its backlog.
        SockRef::from(&listener).listen(LISTEN_BACKLOG)?;
        // NOTE: the logger thread is not joined at shutdown: with a blocked output it never ends.
        // It ends by itself once the acceptor and the broadcaster have dropped their handles;
        // `wait` gives it a moment for that.
        let (log, logger) = Log::start(sink)?;
        let local_addr = listener.local_addr()?;
        let config = Arc::new(config);
        let room = Room::shared();
        let stop = Arc::new(StopSignal::default());
        // The acceptor holds the first sender and gives each client thread a clone; the
        // broadcaster holds the only receiver.
        let (events, inbox) = crossbeam_channel::bounded(broadcaster::CHANNEL_CAPACITY);

        let broadcaster = spawn_named("broadcaster", {
            let room = Arc::clone(&room);
            let stop = Arc::clone(&stop);
            let limits = Limits {
                write_timeout: config.write_timeout,
                soft_backlog: config.soft_backlog,
                soft_timeout: config.soft_timeout,
                max_backlog: config.max_backlog,
                room_budget: config.room_budget,
            };
            let log = log.clone();
            let trace = Trace::new(config.trace, &log);
            move || broadcaster::run(inbox, room, limits, log, trace, stop)
        })?;
        let acceptor = spawn_named("acceptor", {
            let stop = Arc::clone(&stop);
            move || acceptor::run(listener, room, events, config, stop, log)
        })?;
        Ok(Server {
            local_addr,
            stopper: Stopper { stop, local_addr },
            acceptor: Some(acceptor),
            broadcaster: Some(broadcaster),
            logger,
        })
    }

    /// The address the server listens on, with the real port when bound to port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A handle that starts the shutdown from another thread, such as the one that handles
    /// Ctrl-C, while this one waits in [`Server::wait`].
    pub fn stopper(&self) -> Stopper {
        self.stopper.clone()
    }

    /// Blocks until the server stops (see [`Stopper::stop`]) and, for up to
    /// [`LOG_FLUSH_TIMEOUT`], until its last log lines are written; what the `server` binary does
    /// after printing its banner.
    pub fn wait(mut self) {
        join(self.acceptor.take());
        join(self.broadcaster.take());
        let deadline = Instant::now() + LOG_FLUSH_TIMEOUT;
        while !self.logger.is_finished() && Instant::now() < deadline {
            thread::sleep(LOG_FLUSH_POLL);
        }
    }

    /// Tells every joined client `** Server is shutting down **`, closes every connection and
    /// joins the acceptor and the broadcaster.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.acceptor.is_none() {
            return;
        }
        self.stopper.stop();
        join(self.acceptor.take());
        join(self.broadcaster.take());
    }
}

/// Starts a server's shutdown from any thread. Cloning it is cheap; stopping twice is harmless.
#[derive(Clone)]
pub struct Stopper {
    /// Raised once; the acceptor checks it after every accepted connection, and a client thread
    /// before every line it reads and in every pacing wait.
    stop: Arc<StopSignal>,
    local_addr: SocketAddr,
}

impl Stopper {
    /// Stops accepting and starts the shutdown's order (see the module docs); returns at once.
    /// The threads end by themselves, and [`Server::wait`] returns when they have.
    pub fn stop(&self) {
        if !self.stop.raise() {
            return;
        }
        // The acceptor is blocked in `accept`; one connection of our own wakes it to see the flag.
        // NOTE: if this connect fails (no descriptors left), the acceptor wakes on the next client.
        let _ = TcpStream::connect(wake_address(self.local_addr));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn_named(name: &str, body: impl FnOnce() + Send + 'static) -> io::Result<JoinHandle<()>> {
    thread::Builder::new().name(name.to_string()).spawn(body)
}

fn join(handle: Option<JoinHandle<()>>) {
    if let Some(handle) = handle {
        // A panicked thread has already printed its message; shutting down goes on regardless.
        let _ = handle.join();
    }
}

/// Where to connect to reach our own listener: a server bound to `0.0.0.0` is reached on loopback.
fn wake_address(local: SocketAddr) -> SocketAddr {
    let mut addr = local;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}

/// A one-line message for a person when the server cannot listen, saying what to do next.
pub fn describe_bind_error(addr: &str, error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => {
            let port = addr.rsplit(':').next().unwrap_or(addr);
            format!(
                "port {port} is in use: is a server already running? try --addr 127.0.0.1:{}",
                port.parse::<u16>().map_or(5001, |p| p.wrapping_add(1))
            )
        }
        io::ErrorKind::PermissionDenied => {
            format!(
                "cannot listen on {addr}: permission denied (ports below 1024 need root; try --addr 127.0.0.1:5000)"
            )
        }
        io::ErrorKind::AddrNotAvailable => {
            format!(
                "cannot listen on {addr}: no such address on this machine (try --addr 127.0.0.1:5000)"
            )
        }
        _ => format!("cannot listen on {addr}: {error} (expected HOST:PORT, like 127.0.0.1:5000)"),
    }
}
