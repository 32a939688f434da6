//! The real `server` binary with a standard output that fails or blocks: the log is lost, the
//! room is not. `server | head -1` closes the pipe after the banner; a pipe nobody reads fills
//! after 64 KiB. Either way every join, message and leave goes on, and every slot is freed.

mod common;

use common::Client;
use common::server_process::ServerProcess;
use realtime_chat::logger::LOG_QUEUE;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::ChildStdout;
use std::sync::mpsc;
use std::thread;

/// The room's size in these tests: small, so a leaked slot shows at once as a full room.
const MAX_CLIENTS: usize = 3;

/// Starts the server with its stdout on a pipe, reads the banner, and hands back the pipe (still
/// open, with nothing more read from it).
fn start() -> (ServerProcess, BufReader<ChildStdout>) {
    ServerProcess::start_with_output_held(&["--max-clients", &MAX_CLIENTS.to_string()])
}

/// One visit that logs a join and a leave: `id` joins (seen by `watcher`), says hello, quits.
fn visit(addr: SocketAddr, watcher: &mut Client, id: &str) {
    let mut visitor = Client::join_seen_by(addr, id, &mut [&mut *watcher]);
    // One write: two small ones would wait on Nagle's algorithm and a delayed ACK, 40 ms a visit.
    visitor.send_raw(b"hello\n/quit\n");
    watcher.expect(&format!("[{id}]: hello"));
    watcher.expect(&format!("User {id} left the chat"));
    visitor.expect_closed();
}

/// The room still works and no slot leaked: it takes `MAX_CLIENTS` connections again.
fn the_room_goes_on(addr: SocketAddr, watcher: &mut Client) {
    let mut omar = Client::join_seen_by(addr, "Omar", &mut [&mut *watcher]);
    let _choosing = Client::connect(addr);
    omar.send("still here");
    watcher.expect("[Omar]: still here");
    assert_eq!(watcher.users(), ["watcher", "Omar"]);
}

/// `server | head -1`: the pipe closes after the banner, so every later log line fails with
/// EPIPE. Rust's `println!` would panic on the first one, in the broadcaster, and every client
/// thread after it; here the lines are dropped and the room goes on, slots and IDs freed.
#[test]
fn a_closed_stdout_does_not_stop_the_room() {
    let (server, stdout) = start();
    drop(stdout);
    let (mut watcher, _) = Client::join(server.addr, "watcher");
    for n in 0..2 * MAX_CLIENTS {
        visit(server.addr, &mut watcher, &format!("visitor{n}"));
    }
    the_room_goes_on(server.addr, &mut watcher);
}

/// A pipe that nobody reads: after 64 KiB the logger's writes block, its queue fills and further
/// lines are dropped and counted; the room goes on. Once someone reads the pipe again, the server
/// says how many lines it dropped.
#[test]
fn a_full_stdout_does_not_stop_the_room() {
    let (server, stdout) = start();
    let (mut watcher, _) = Client::join(server.addr, "watcher");
    // Each visit logs two lines of about 65 bytes: together more than the pipe (64 KiB) and the
    // logger's queue (`LOG_QUEUE` lines).
    let long_id = "v".repeat(28);
    for n in 0..LOG_QUEUE / 2 + 1500 {
        visit(server.addr, &mut watcher, &format!("{long_id}{n}"));
    }
    the_room_goes_on(server.addr, &mut watcher);

    assert!(
        says_it_dropped_lines(stdout),
        "the server never said it dropped lines"
    );
}

/// Reads the pipe again until the dropped-lines notice, or until [`common::LINE_TIMEOUT`] passes
/// without a line.
fn says_it_dropped_lines(pipe: impl Read + Send + 'static) -> bool {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Ok(line) = rx.recv_timeout(common::LINE_TIMEOUT) {
        if line.contains("log lines were dropped: the output was blocked or too slow") {
            return true;
        }
    }
    false
}
