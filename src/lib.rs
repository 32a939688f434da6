//! realtime-chat: a Rust port of the classic Go TCP chat room, written to be read side by side
//! with the original.
//!
//! One OS thread per client reads lines; one broadcaster thread drains a channel and writes every
//! message to everyone except its author; a `parking_lot::Mutex` guards the room. Each goroutine of
//! the Go original is one named thread here (see [`server`]).
//!
//! Layout, in the order a message travels:
//! - [`config`]: the server's address and limits, and its command line.
//! - [`server`]: binds the listener, runs the `acceptor`, starts and stops everything.
//! - [`session`]: one client's thread: the ID handshake, then its lines as events.
//! - [`line_reader`]: reading a line of bounded length from an untrusted peer.
//! - [`protocol`]: every line on the wire, and the rules for IDs, commands and bad bytes.
//! - [`room`]: the connections and users behind the mutex.
//! - [`broadcaster`]: the one thread that writes to joined clients.
//! - [`send_queue`]: each joined client's queue of bytes not yet sent, sent without waiting.
//! - [`logger`]: the thread that writes the server's log, so a blocked output stops nobody.
//! - [`client`]: the terminal client: its two threads, the prompt, the colours.
//! - [`loadgen`]: the load generator behind `make bench` (not part of the server).

pub mod broadcaster;
pub mod client;
pub mod config;
pub mod line_reader;
pub mod loadgen;
pub mod logger;
pub mod protocol;
pub mod room;
pub mod send_queue;
pub mod server;
pub mod session;

pub use config::Config;
pub use server::Server;
