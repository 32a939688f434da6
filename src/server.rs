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
//! Shutdown's order ([`Server::shutdown`], or [`Stopper::stop`] from another thread): stop
//! accepting; the acceptor sends `Shutdown` down the channel and drops its sender; the broadcaster tells every joined client, closes every
//! connection, and ends once the last client thread has dropped its sender.

use crate::broadcaster::{self, Event};
use crate::config::Config;
use crate::logger::{Log, LogSink};
use crate::protocol;
use crate::room::{Refusal, Room, SharedRoom};
use crate::send_queue::Limits;
use crate::session::{self, Session};
use crate::trace::Trace;
use crossbeam_channel::Sender;
use socket2::{SockRef, TcpKeepalive};
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Stack size of each client thread. A client thread's deepest call is a line read into a heap
/// buffer, so the default 2 MiB is mostly unused address space; a small stack keeps thousands of
/// clients cheap. Measured: the whole integration suite passes in a debug build (the largest
/// frames) with stacks down to 16 KiB, the smallest the platform allows, so 64 KiB leaves 4x room.
pub const CLIENT_STACK_SIZE: usize = 64 * 1024;

/// How many connections the kernel may hold, completed but not yet accepted. `TcpListener::bind`
/// asks for 128; when thousands of clients connect at once (a class joining, or `make bench`'s
/// scale scenario), the 129th finds the queue full, the kernel drops its handshake and the client
/// waits seconds for a retry, or forever. Linux caps the number at `net.core.somaxconn` (4096 by
/// default); the Go runtime asks for that value too. std has no call for it, hence `socket2`.
pub const LISTEN_BACKLOG: i32 = 4096;

/// TCP keepalive on every client socket, so a peer that vanishes without a FIN or a reset (a
/// laptop lid closed, Wi-Fi gone) is noticed even in a quiet room: after 60 s of silence the
/// kernel probes every 10 s, and after 5 unanswered probes (110 s in all) the client thread's read
/// fails, the user leaves and the ID is free again. Without it, such a user stays in `/users` and
/// holds the ID forever. (While the room is busy, bytes wait for that user and the send queue's
/// rules, `--write-timeout` and `--max-backlog`, drop it sooner.)
pub const KEEPALIVE_IDLE: Duration = Duration::from_secs(60);
/// See [`KEEPALIVE_IDLE`].
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
/// See [`KEEPALIVE_IDLE`].
pub const KEEPALIVE_RETRIES: u32 = 5;

/// How long the acceptor waits after `accept` fails (say, out of file descriptors) before trying
/// again. Retrying at once would spin a core at 100% while the cause persists.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// A running server. Dropping it shuts it down, so a failing test never leaks its threads.
pub struct Server {
    local_addr: SocketAddr,
    /// Starts the shutdown; [`Server::stopper`] hands out clones of it.
    stopper: Stopper,
    acceptor: Option<JoinHandle<()>>,
    broadcaster: Option<JoinHandle<()>>,
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
        // It ends by itself once the acceptor and the broadcaster have dropped their handles.
        let (log, _logger) = Log::start(sink)?;
        let local_addr = listener.local_addr()?;
        let config = Arc::new(config);
        let room = Room::shared();
        let stopping = Arc::new(AtomicBool::new(false));
        // The acceptor holds the first sender and gives each client thread a clone; the
        // broadcaster holds the only receiver.
        let (events, inbox) = crossbeam_channel::bounded(broadcaster::CHANNEL_CAPACITY);

        let broadcaster = spawn_named("broadcaster", {
            let room = Arc::clone(&room);
            let limits = Limits {
                max_backlog: config.max_backlog,
                write_timeout: config.write_timeout,
            };
            let log = log.clone();
            let trace = Trace::new(config.trace, &log);
            move || broadcaster::run(inbox, room, limits, log, trace)
        })?;
        let acceptor = spawn_named("acceptor", {
            let stopping = Arc::clone(&stopping);
            move || accept_loop(listener, room, events, config, stopping, log)
        })?;
        Ok(Server {
            local_addr,
            stopper: Stopper {
                stopping,
                local_addr,
            },
            acceptor: Some(acceptor),
            broadcaster: Some(broadcaster),
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

    /// Blocks until the server stops (see [`Stopper::stop`]); what the `server` binary does after
    /// printing its banner.
    pub fn wait(mut self) {
        join(self.acceptor.take());
        join(self.broadcaster.take());
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
    /// Set once; the acceptor checks it after every accepted connection.
    stopping: Arc<AtomicBool>,
    local_addr: SocketAddr,
}

impl Stopper {
    /// Stops accepting and starts the shutdown's order (see the module docs); returns at once.
    /// The threads end by themselves, and [`Server::wait`] returns when they have.
    pub fn stop(&self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
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

/// The `acceptor` thread: the Go original's `for { conn, err := ln.Accept() ... }`.
fn accept_loop(
    listener: TcpListener,
    room: SharedRoom,
    events: Sender<Event>,
    config: Arc<Config>,
    stopping: Arc<AtomicBool>,
    log: Log,
) {
    let trace = Trace::new(config.trace, &log);
    for incoming in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        match incoming {
            Ok(stream) => admit(stream, &room, &events, &config, &log, &trace),
            Err(error) => {
                log.error(format!(
                    "[SERVER] accepting a connection failed: {error}; retrying shortly"
                ));
                thread::sleep(ACCEPT_BACKOFF);
            }
        }
    }
    // NOTE: ignoring errors: the broadcaster is gone only if it panicked; there is nobody to tell.
    let _ = events.send(Event::Shutdown);
    // Dropping `events` here is what lets the broadcaster finish once the client threads are gone.
}

/// Registers a new connection and starts its client thread, or turns it away when the room is
/// full or its address has `--max-per-address` connections open already.
fn admit(
    stream: TcpStream,
    room: &SharedRoom,
    events: &Sender<Event>,
    config: &Arc<Config>,
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
    let admitted = room.lock().admit(Arc::clone(&stream), peer.ip(), config);
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
        trace: trace.clone(),
    };
    let spawned = thread::Builder::new()
        .name(format!("client-{peer}"))
        .stack_size(CLIENT_STACK_SIZE)
        .spawn(move || session::run(session));
    trace.step(|| format!("{peer} connected; started thread client-{peer}"));
    if let Err(error) = spawned {
        log.error(format!(
            "[SERVER] cannot start a thread for {peer}: {error}; closing it"
        ));
        room.lock().release(connection);
    }
}

/// Tells a refused connection why, before it is closed (when `stream` is dropped).
fn refuse(stream: &TcpStream, refusal: &Refusal, config: &Config) {
    let line = match refusal {
        Refusal::Full => protocol::server_full(config.max_clients),
        Refusal::TooManyFromAddress => protocol::TOO_MANY_FROM_ADDRESS.to_string(),
    };
    // NOTE: ignoring errors: the connection is closed right after, either way. A client that
    // already sent bytes may see a reset instead of this line: closing a socket with unread
    // input resets it.
    let _ = (&*stream).write_all(format!("{line}\n").as_bytes());
}

/// The write timeout bounds the client thread's own writes during the handshake (the broadcaster's
/// sends never wait; see [`crate::send_queue`]). Keepalive notices a vanished peer (see
/// [`KEEPALIVE_IDLE`]). `TCP_NODELAY` sends each write at once: with Nagle's algorithm on, a write waits for the ACK of
/// the previous one, and a client that only listens ACKs late (Linux delays an ACK up to 40 ms),
/// so one chat line in three arrived about 40 ms late in a room of ten (measured, see docs/performance.md).
fn configure_socket(stream: &TcpStream, config: &Config) -> io::Result<()> {
    stream.set_write_timeout(Some(config.write_timeout))?;
    let keepalive = TcpKeepalive::new()
        .with_time(KEEPALIVE_IDLE)
        .with_interval(KEEPALIVE_INTERVAL)
        .with_retries(KEEPALIVE_RETRIES);
    SockRef::from(stream).set_tcp_keepalive(&keepalive)?;
    stream.set_nodelay(true)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every client socket gets the keepalive that frees a vanished peer's ID in about two
    /// minutes, whatever the system's defaults (Linux: two hours of silence before any probe).
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
        assert!(socket.tcp_nodelay().unwrap());
    }
}
