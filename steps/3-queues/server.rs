//! Step 3, the broadcaster never waits: step 2 (one order of events), changed in one idea. Each
//! member gets a send queue, a bounded channel of lines, and a writer thread of its own
//! (`client_writer`, the Go book's `clientWriter`) that drains it into the socket. The broadcaster
//! only puts lines in queues, without waiting; a member whose queue is full is not reading, and
//! is dropped. A client that stops reading no longer freezes the room. See `diff
//! steps/2-order/server.rs steps/3-queues/server.rs` and docs/steps.md.
//!
//! Four kinds of thread: `main` accepts connections, one `handle_client` per client reads its
//! lines, one `client_writer` per member writes them, and one `broadcaster` puts every message in
//! every other member's queue. The clients live in a global map guarded by a `parking_lot::Mutex`.
//!
//! The `// NOTE:` flaws that this step does not fix are kept where step 1 has them; those it fixes
//! are gone, with a `// STEP 2:` or `// STEP 3:` comment where the change is.
//!
//! Run it: `make step STEP=3`, or `step3-server -port 5000`.

use crossbeam_channel::{Receiver, Sender, TrySendError};
use go_std::{Flag, fprintln, parse_flags, read_string};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::BufReader;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, LazyLock};
use std::thread;

/// Message is one line for the broadcaster to send to every client but `from`.
struct Message {
    from: String,
    text: String,
}

/// STEP 2: Event is one thing that happens in the room; the broadcaster applies them in the order
/// they come, and is the only thread that changes the map or writes to a joined client.
enum Event {
    /// A client sent its ID. The broadcaster answers on `joined`: `true` once the client is in
    /// the map and has its user list, `false` if the ID is taken (nothing changed).
    Join {
        id: String,
        conn: Arc<TcpStream>,
        joined: Sender<bool>,
    },
    Say(Message),
    /// A joined client's connection ended.
    /// STEP 3: with its connection, as the broadcaster may have dropped it already and given its
    /// ID to a newcomer.
    Leave {
        id: String,
        conn: Arc<TcpStream>,
    },
}

/// STEP 3: how many lines may wait in one member's queue. A member this far behind is taken as
/// not reading, and dropped. Without a bound, a client that stops reading would grow the
/// server's memory by every line the room sends; 4,096 lines is minutes of a lively classroom.
/// NOTE: a member that is only slow is dropped too once its queue is full: the real server
/// judges a reader by its progress over time (`--write-timeout`), and bounds bytes, not lines.
const SEND_QUEUE_LINES: usize = 4096;

/// STEP 3: Member is a joined client: its connection, and the queue its writer thread drains.
/// Dropping a Member drops the queue's only sender, which ends its writer.
struct Member {
    conn: Arc<TcpStream>,
    queue: Sender<String>,
}

// CLIENTS maps each ID to its connection; the mutex guards it. BROADCAST carries every notice and
// message to the broadcaster; it is unbuffered (`bounded(0)`), so a sender waits until the
// broadcaster takes its message.
//
// GO: a global needs `LazyLock` (a `HashMap` cannot be built at compile time), and its name is
// upper case. The map lives *inside* the mutex, so code cannot reach it without locking: the Go
// NOTE on this spot ("nothing makes code that reads clients take mu first") has no Rust
// counterpart. Each connection is an `Arc<TcpStream>`: the map and the client's thread share it,
// where Go copies a `net.Conn` interface value. A Go channel is one value; crossbeam gives a
// `Sender` and a `Receiver`, kept together here.
static CLIENTS: LazyLock<Mutex<Clients>> = LazyLock::new(|| Mutex::new(HashMap::new()));
/// STEP 2: the map's type has a name, now that the broadcaster's functions take it.
type Clients = HashMap<String, Member>;

static BROADCAST: LazyLock<(Sender<Event>, Receiver<Event>)> =
    LazyLock::new(|| crossbeam_channel::bounded(0));

fn main() {
    // DIFFERENCE: the original always listens on port 5000. The flag lets tests and benchmarks
    // run it on a free port.
    let [port] = parse_flags([Flag {
        name: "port",
        default: "5000",
        usage: "TCP port to listen on",
    }]);

    // NOTE: "0.0.0.0" listens on every network interface, not only this machine.
    // GO: Go's ":5000" is every interface, IPv4 and IPv6; "0.0.0.0" is IPv4's.
    let ln = match TcpListener::bind(format!("0.0.0.0:{port}")) {
        Ok(ln) => ln,
        Err(err) => {
            println!("Error starting server: {err}");
            return;
        }
    };
    // GO: no `defer ln.Close()`: the listener closes when it is dropped, at the end of main.
    println!("Server running on port {port}...");

    thread::spawn(broadcaster);

    // GO: `incoming()` is Go's endless `for { ln.Accept() }`.
    for conn in ln.incoming() {
        let conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                // NOTE: out of file descriptors, this retries at once, in a tight loop.
                println!("Error accepting connection: {err}");
                continue;
            }
        };
        // GO: `thread::spawn` panics, ending `main`, if the system refuses another thread; Go's
        // `go` does not fail (a goroutine is a few KiB of the runtime's own memory).
        thread::spawn(move || handle_client(conn));
    }
}

/// handle_client serves one client: its first line is its ID, every later line is a message for
/// everyone else.
fn handle_client(conn: TcpStream) {
    // GO: no `defer conn.Close()`: the socket closes when the last `Arc` of it is dropped, here
    // at the end of this function once the map's copy is gone.
    let conn = Arc::new(conn);

    // The original "accepts clients and asks them to send their ID"; the words are those of its
    // transcript ("Enter your ID: Ahmed"). They go as a line of their own, so nc shows them; the
    // client keeps the ID on that line.
    // GO: Go drops `Fprintln`'s error without a word; Rust makes the dropping visible: `let _`.
    let _ = fprintln(&conn, "Enter your ID:");

    // NOTE: read_string grows its buffer until a newline arrives: a line without end eats
    // memory. A client that never sends an ID keeps this thread forever.
    let mut reader = BufReader::new(&*conn);
    let Ok(id) = read_string(&mut reader) else {
        return;
    };
    // NOTE: any ID is accepted, even empty.
    let id = id.trim().to_string();

    // STEP 2: the broadcaster checks the ID, adds the client and sends its user list, all in one
    // step; this thread waits for the answer and never writes to conn again once it has joined.
    let (joined, answer) = crossbeam_channel::bounded(1);
    send(Event::Join {
        id: id.clone(),
        conn: Arc::clone(&conn),
        joined,
    });
    if !answer.recv().unwrap_or(false) {
        let _ = fprintln(&conn, &format!("** ID '{id}' is already taken **"));
        return;
    }

    // GO: Go's `for { line, err := ...; if err != nil { break } ... }` is one `while let`.
    while let Ok(line) = read_string(&mut reader) {
        // NOTE: the text is forwarded as it came, escape codes included.
        let text = line.trim();
        send(Event::Say(Message {
            from: id.clone(),
            text: format!("[{id}]: {text}"),
        }));
    }

    send(Event::Leave {
        id,
        conn: Arc::clone(&conn),
    });
}

/// Go's `broadcast <- msg`: waits until the broadcaster takes the message.
///
/// GO: a send on a crossbeam channel returns an error once every receiver is gone; Go's has no
/// such case. The receiver lives in a static, so it never goes.
fn send(event: Event) {
    BROADCAST
        .0
        .send(event)
        .expect("the broadcast channel lives as long as the program");
}

/// broadcaster applies each event in turn: a join, a message to every client except its sender,
/// a leave.
///
/// STEP 2: the mutex is now taken by this thread only. It stays, as the design card's one guard
/// of the map: the real server's other threads read the map through it.
fn broadcaster() {
    // GO: `iter()` is `for msg := range broadcast`.
    for event in BROADCAST.1.iter() {
        let mut clients = CLIENTS.lock();
        match event {
            Event::Join { id, conn, joined } => {
                let _ = joined.send(join(&mut clients, id, conn));
            }
            Event::Say(msg) => deliver(&mut clients, &msg),
            Event::Leave { id, conn } => leave(&mut clients, id, &conn),
        }
        // GO: no `mu.Unlock()`: the guard unlocks as it goes out of scope, here.
    }
}

/// Adds a client whose ID is free, sends it the user list, and tells everyone else. Returns
/// whether it joined.
///
/// STEP 2: checking the ID and claiming it happen under one lock, in the one thread that changes
/// the map, so a second "Omar" is refused, never silently swapped in.
fn join(clients: &mut Clients, id: String, conn: Arc<TcpStream>) -> bool {
    if clients.contains_key(&id) {
        return false;
    }
    // NOTE: a map has no order, so the user list comes in a random order.
    let others: Vec<String> = clients.keys().cloned().collect();
    // STEP 3: the member's writer thread is now the only one to write to it.
    let (queue, lines) = crossbeam_channel::bounded(SEND_QUEUE_LINES);
    let writer_conn = Arc::clone(&conn);
    // NOTE: if the system refuses another thread, this panics, and with the broadcaster gone the
    // room stops. The real server has no writer threads.
    thread::spawn(move || client_writer(writer_conn, lines));
    // STEP 2: queued by the broadcaster, before any later event: nothing can overtake it.
    let _ = queue.try_send(format!(
        "** Current users in chat: {} **",
        others.join(", ")
    ));
    clients.insert(id.clone(), Member { conn, queue });
    println!("[SERVER] User '{id}' joined the chat");
    deliver(
        clients,
        &Message {
            text: format!("User {id} joined the chat"),
            from: id,
        },
    );
    true
}

/// Removes a client whose connection ended, and tells everyone else.
fn leave(clients: &mut Clients, id: String, conn: &Arc<TcpStream>) {
    // STEP 3: unless the broadcaster dropped it already; then the ID may be a newcomer's.
    if !clients
        .get(&id)
        .is_some_and(|member| Arc::ptr_eq(&member.conn, conn))
    {
        return;
    }
    clients.remove(&id);
    println!("[SERVER] User '{id}' left the chat");
    deliver(
        clients,
        &Message {
            text: format!("User {id} left the chat"),
            from: id,
        },
    );
}

/// Queues one message for every client except its sender, and drops each member whose queue is
/// full.
///
/// STEP 3: `try_send` never waits. The lock is held only while lines are queued, never across
/// a write to a socket.
fn deliver(clients: &mut Clients, msg: &Message) {
    let mut stalled = Vec::new();
    for (id, member) in clients.iter() {
        if *id == msg.from {
            continue;
        }
        // A disconnected queue means its writer failed to write: the client is gone, and its
        // own thread will send the Leave.
        if let Err(TrySendError::Full(_)) = member.queue.try_send(msg.text.clone()) {
            stalled.push(id.clone());
        }
    }
    for id in stalled {
        drop_member(clients, id);
    }
}

/// STEP 3: removes a member that stopped reading, closes its socket (which wakes its writer
/// from a blocked write and its reader with the end of the stream), and tells everyone else.
fn drop_member(clients: &mut Clients, id: String) {
    let Some(member) = clients.remove(&id) else {
        return;
    };
    let _ = member.conn.shutdown(Shutdown::Both);
    println!("[SERVER] User '{id}' dropped: not reading");
    deliver(
        clients,
        &Message {
            text: format!("User {id} left the chat"),
            from: id,
        },
    );
}

/// STEP 3: client_writer writes a member's queued lines to its socket, in order; it is the only
/// thread that writes to a joined client, and the only one that waits for it. It ends when the
/// queue is dropped (the member left) or a write fails (the client is gone).
fn client_writer(conn: Arc<TcpStream>, lines: Receiver<String>) {
    for line in lines.iter() {
        if fprintln(&conn, &line).is_err() {
            return;
        }
    }
}
