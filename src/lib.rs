//! realtime-chat: a Rust port of the classic Go TCP chat room, written to be read side by side
//! with the original.
//!
//! One OS thread per client reads lines; one broadcaster thread drains a channel and writes every
//! message to everyone except its author; a `parking_lot::Mutex` guards the room. Each goroutine of
//! the Go original is one named thread here (see [`server`]).
//!
//! Layout, in the order a message travels:
//! - [`config`]: the server's address and limits, and its command line.
//! - [`cli`]: what the command lines share: ranges of seconds, one-line errors.
//! - [`server`]: binds the listener, starts the threads and stops them in order.
//! - [`limits`]: the descriptors and threads this system allows, fitted to `--max-clients`.
//! - [`acceptor`]: the thread that admits each connection and starts its client thread.
//! - [`interrupt`]: Ctrl-C, SIGTERM and SIGHUP start the graceful shutdown.
//! - [`stop_signal`]: the flag that tells every thread the server is stopping, and wakes it.
//! - [`connection`]: what a client thread holds: its socket, its slot, its end of the channel.
//! - [`session`]: one client's thread: the ID handshake, then its lines as events.
//! - [`handshake`]: asking a new connection for its ID, paced, a handful of times at most.
//! - [`line_reader`]: reading a line of bounded length from an untrusted peer.
//! - [`pacing`]: the token bucket that slows a flooding client down without cutting it off.
//! - [`protocol`]: every line on the wire, and the rules for commands and bad bytes.
//! - [`id`]: which IDs may join, and when two IDs look alike.
//! - [`room`]: the users behind the mutex, and their IDs.
//! - [`admission`]: which connections the room takes, in all and per address.
//! - [`throttle`]: how many new connections one address may open in a minute.
//! - [`broadcaster`]: the one thread that writes to joined clients.
//! - [`send_queue`]: each joined client's queue of bytes not yet sent, sent without waiting.
//! - [`drop_rules`]: when a client that is owed bytes is behind, and when it is gone.
//! - [`budget`]: the room's memory, and who gives way when it is full.
//! - [`farewell`]: the last bytes for a member who is leaving, sent for a bounded time.
//! - [`memory`]: freed memory goes back to the system, so a burst's peak does not stay.
//! - [`logger`]: the thread that writes the server's log, so a blocked output stops nobody.
//! - [`trace`]: `--trace`, one log line per step of a message, named by its thread.
//! - [`client`]: the terminal client: its threads, the line editor, the colours.

pub mod acceptor;
pub mod admission;
pub mod broadcaster;
pub mod budget;
pub mod cli;
pub mod client;
pub mod config;
pub mod connection;
pub mod drop_rules;
pub mod farewell;
pub mod handshake;
pub mod id;
pub mod interrupt;
pub mod limits;
pub mod line_reader;
pub mod logger;
pub mod memory;
pub mod pacing;
pub mod protocol;
pub mod room;
pub mod send_queue;
pub mod server;
pub mod session;
pub mod stop_signal;
pub mod throttle;
pub mod trace;

pub use config::Config;
pub use server::Server;
