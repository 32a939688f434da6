//! Step 1, the mirror: the Go original's chat server (`go/server/server.go`) in Rust, line for
//! line, in the same order and with the same names, to be read beside it.
//!
//! Three kinds of thread, as Go has three kinds of goroutine: `main` accepts connections, one
//! `handle_client` per client reads its lines, and one `broadcaster` writes every message to every
//! other client. The clients live in a global map guarded by a `parking_lot::Mutex`.
//!
//! It is deliberately as naive as the original, flaws included: each `// NOTE:` of the Go file is
//! here at the same place, and still true. Where Rust forces a difference, a `// GO:` comment says
//! what and why. Nothing else differs: what this design gets wrong, it gets wrong in both
//! languages (docs/steps.md runs the same tests against both).
//!
//! Run it: `make step STEP=1`, or `step1-server -port 5000`.

use crossbeam_channel::{Receiver, Sender};
use go_std::{Flag, fprintln, parse_flags, read_string};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::BufReader;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, LazyLock};
use std::thread;

/// Message is one line for the broadcaster to send to every client but `from`.
struct Message {
    from: String,
    text: String,
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
static CLIENTS: LazyLock<Mutex<HashMap<String, Arc<TcpStream>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
static BROADCAST: LazyLock<(Sender<Message>, Receiver<Message>)> =
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
    // NOTE: any ID is accepted, even empty, and a second "Omar" silently replaces the first in
    // the map.
    let id = id.trim().to_string();

    // NOTE: a map has no order, so the user list comes in a random order.
    let mut clients = CLIENTS.lock();
    let others: Vec<String> = clients.keys().cloned().collect();
    clients.insert(id.clone(), Arc::clone(&conn));
    // GO: no `mu.Unlock()`: dropping the guard unlocks.
    drop(clients);

    // NOTE: this thread and the broadcaster both write to conn, so a message may reach the
    // newcomer before its user list.
    let _ = fprintln(
        &conn,
        &format!("** Current users in chat: {} **", others.join(", ")),
    );
    println!("[SERVER] User '{id}' joined the chat");
    send(Message {
        from: id.clone(),
        text: format!("User {id} joined the chat"),
    });

    // GO: Go's `for { line, err := ...; if err != nil { break } ... }` is one `while let`.
    while let Ok(line) = read_string(&mut reader) {
        // NOTE: the text is forwarded as it came, escape codes included.
        let text = line.trim();
        send(Message {
            from: id.clone(),
            text: format!("[{id}]: {text}"),
        });
    }

    CLIENTS.lock().remove(&id);
    println!("[SERVER] User '{id}' left the chat");
    send(Message {
        from: id.clone(),
        text: format!("User {id} left the chat"),
    });
}

/// Go's `broadcast <- msg`: waits until the broadcaster takes the message.
///
/// GO: a send on a crossbeam channel returns an error once every receiver is gone; Go's has no
/// such case. The receiver lives in a static, so it never goes.
fn send(msg: Message) {
    BROADCAST
        .0
        .send(msg)
        .expect("the broadcast channel lives as long as the program");
}

/// broadcaster sends each message to every client except its sender.
///
/// RECONSTRUCTION (as in go/): the writes happen while the mutex is held.
fn broadcaster() {
    // GO: `iter()` is `for msg := range broadcast`.
    for msg in BROADCAST.1.iter() {
        let clients = CLIENTS.lock();
        for (id, conn) in clients.iter() {
            if *id == msg.from {
                continue;
            }
            // NOTE: no write timeout, and the mutex is held: a client that stops reading blocks
            // this write forever, and with it every message, join and leave in the room.
            let _ = fprintln(conn, &msg.text);
        }
        // GO: no `mu.Unlock()`: the guard unlocks as it goes out of scope, here.
    }
}
