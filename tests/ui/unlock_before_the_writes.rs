//! The race lab (docs/races.md): go/racy's mistake, written in Rust. The broadcaster releases
//! the lock before its loop over the clients, so that no write waits under it. In Go,
//! `mu.Unlock()` moved above the loop compiles, and `-race` reports the race at run time. Here the
//! guard *is* the access to the map: once it is dropped there is no map left to read.

use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, LazyLock};

struct Message {
    from: String,
    text: String,
}

// As in steps/1-mirror/server.rs.
static CLIENTS: LazyLock<Mutex<HashMap<String, Arc<TcpStream>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
static BROADCAST: LazyLock<(Sender<Message>, Receiver<Message>)> =
    LazyLock::new(|| crossbeam_channel::bounded(0));

fn broadcaster() {
    for msg in BROADCAST.1.iter() {
        let clients = CLIENTS.lock();
        // RACE: the lock moved up from below the loop, as in go/racy/server.go.
        drop(clients);
        for (id, conn) in clients.iter() {
            if *id == msg.from {
                continue;
            }
            let _ = writeln!(&**conn, "{}", msg.text);
        }
    }
}

fn main() {
    broadcaster();
}
