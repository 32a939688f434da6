//! The race lab (docs/races.md): the next try after mirror_without_the_mutex.rs, a map that can be
//! changed through a shared reference with no lock at all, as Go allows (`clients` and
//! `mu` are two variables, and nothing makes a goroutine take `mu`). A `RefCell` lets a shared
//! value be changed, but only by one thread: a static must be `Sync`, and it is not.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::TcpStream;
use std::thread;

static CLIENTS: RefCell<Option<HashMap<String, TcpStream>>> = RefCell::new(None);

fn handle_connection(id: String, conn: TcpStream) {
    CLIENTS.borrow_mut().get_or_insert_default().insert(id, conn);
}

fn main() {
    let conn = TcpStream::connect("127.0.0.1:5000").expect("a server");
    thread::spawn(move || handle_connection("Omar".to_string(), conn));
}
