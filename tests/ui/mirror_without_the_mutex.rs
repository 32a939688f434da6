//! The race lab (docs/races.md) and exercise "Break it": steps/1-mirror/server.rs with the mutex
//! removed from around the client map, as Go's `clients` can be read and written without `mu`.
//! A static is shared by every thread, so Rust lets nobody change it without a lock.

use std::collections::HashMap;
use std::net::TcpStream;
use std::sync::{Arc, LazyLock};

static CLIENTS: LazyLock<HashMap<String, Arc<TcpStream>>> = LazyLock::new(HashMap::new);

fn handle_client(conn: TcpStream) {
    let conn = Arc::new(conn);
    let id = "Omar".to_string();
    let others: Vec<String> = CLIENTS.keys().cloned().collect();
    CLIENTS.insert(id.clone(), Arc::clone(&conn));
    println!("{id} joins {others:?}");
}

fn main() {
    let conn = TcpStream::connect("127.0.0.1:5000").expect("a server");
    std::thread::spawn(move || handle_client(conn));
}
