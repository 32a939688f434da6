//! Threads and tasks, side by side (docs/threads-and-tasks.md): the mirror's chat
//! (steps/1-mirror/server.rs, the Go original in Rust) with a tokio task where the mirror has a
//! thread, to answer the question a Go-vs-Rust class asks: what would async Rust change?
//!
//! Two kinds of task, where the mirror has three kinds of thread and Go three kinds of
//! goroutine: `accept` takes connections, and one `handle_client` per client reads its lines
//! *and* writes everyone else's. There is no broadcaster task: a `tokio::sync::broadcast`
//! channel is one. Every message is put in it once, every client's task takes its own copy, and
//! a client that falls too far behind is not waited for: it loses the oldest messages
//! (`RecvError::Lagged`). Tasks are M:N, as goroutines are: many tasks share a few worker
//! threads, one per core.
//!
//! What it keeps of the mirror, on purpose: the same lines on the wire, any ID accepted, lines of
//! any length, no limits. What the design changes is said where it happens, in a `// TASKS:`
//! comment.
//!
//! Layout:
//! - `room`: who is in the room (for the user list) and the broadcast channel.
//! - `client`: `handle_client`, one task per connection.
//!
//! Run it: `cargo run --release -p steps-async -- -port 5000`.

mod client;
mod room;

use room::Room;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpSocket};
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;

/// How many messages the broadcast channel keeps for a client that is behind: the same budget
/// as step 3's send queue (`SEND_QUEUE_LINES`, 4,096 lines), so that the two differ in what
/// happens at the limit only. Step 3 drops the client there; here it loses the oldest lines and
/// stays. Comprehensive Rust's chat exercise uses 16, which a burst of a lively room overruns
/// at once (docs/threads-and-tasks.md measures both).
pub const BROADCAST_CAPACITY: usize = 4096;

/// A running server. Dropping it stops it: the runtime shuts down and drops every task, and with
/// them every socket.
pub struct Server {
    /// Owns the worker threads and every task.
    runtime: Runtime,
    /// The accept loop, which never ends by itself.
    accept: JoinHandle<()>,
    addr: SocketAddr,
}

impl Server {
    /// Serves the chat on `addr` (a test gives port 0, the binary Go's `-port`), with a
    /// broadcast channel of `capacity` messages.
    pub fn bind(addr: SocketAddr, capacity: usize) -> io::Result<Server> {
        // One worker thread per core, as Go's GOMAXPROCS.
        let runtime = Builder::new_multi_thread().enable_io().build()?;
        let listener = {
            let _inside = runtime.enter(); // A tokio socket needs the runtime it will run on.
            listen(addr)?
        };
        let addr = listener.local_addr()?;
        let room = Arc::new(Room::new(capacity));
        let accept = runtime.spawn(accept(listener, room));
        Ok(Server {
            runtime,
            accept,
            addr,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends: the binary's `main`.
    pub fn run(self) {
        let Server {
            runtime, accept, ..
        } = self;
        let _ = runtime.block_on(accept);
    }
}

/// How many connections the kernel keeps waiting for `accept`: ours' (src/), not std's 128. In a
/// join storm (loadgen's scale scenario) the accept task takes turns with a thousand busy client
/// tasks on two worker threads; with 128, the queue overflowed and 107 and 174 of 1,000 clients
/// (two runs) never got a prompt. The mirror's accept loop has a thread of its own.
const LISTEN_BACKLOG: u32 = 4096;

/// Go's `net.Listen("tcp", addr)`, with [`LISTEN_BACKLOG`].
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // As std's and tokio's `bind` do on Unix: a restarted server need not wait for the last
    // run's connections to time out.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Go's `for { conn, err := ln.Accept(); ...; go handleClient(conn) }`, with a task per client.
///
/// TASKS: `tokio::spawn` costs a small allocation (the task's state, a few hundred bytes plus
/// its buffers), not a thread with its own stack; it does not fail where `thread::spawn` would.
async fn accept(listener: TcpListener, room: Arc<Room>) {
    loop {
        match listener.accept().await {
            Ok((conn, _)) => {
                tokio::spawn(client::handle_client(conn, Arc::clone(&room)));
            }
            // NOTE: out of file descriptors, this retries at once, in a tight loop.
            Err(err) => println!("Error accepting connection: {err}"),
        }
    }
}
