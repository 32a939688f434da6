//! The race lab (docs/races.md): what each language catches, and what neither does.
//!
//! - Go's race detector finds the data race in go/racy (the Go original with one lock moved), at
//!   run time, once three clients join and leave (needs Go; `skipped: ...` without it).
//! - The same mistakes in Rust do not compile: the exact compiler errors are kept in
//!   `tests/ui/*.stderr` and checked with `trybuild`.
//! - What Rust lets through: a guard held across a blocking send deadlocks, shown with a timeout.

mod common;

use common::LINE_TIMEOUT;
use crossbeam_channel::Sender;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// `make go-race`: the detector's real report, naming the map write in `handleClient` and the
/// unguarded read in `broadcaster`.
#[test]
fn go_race_detector_reports_the_moved_lock() {
    if !Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        println!("skipped: go not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-race");
    let output = Command::new(root.join("go/racy/race.sh"))
        .arg(&bin)
        .output()
        .expect("go/racy/race.sh runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "race.sh failed: {report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("WARNING: DATA RACE"), "{report}");
    assert!(report.contains("main.broadcaster()"), "{report}");
    assert!(report.contains("main.handleClient()"), "{report}");
}

/// go/racy differs from the Go original only in where one line stands: the same code lines,
/// comments aside, in another order. So the lab shows one mistake, not a rewrite.
#[test]
fn go_racy_is_the_original_with_one_lock_moved() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = |path: &str| {
        let text = std::fs::read_to_string(root.join(path)).expect("a Go file");
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .map(str::to_string)
            .collect();
        lines
    };
    let (original, racy) = (code("go/server/server.go"), code("go/racy/server.go"));
    assert_ne!(original, racy, "the lock has not moved");
    let sorted = |mut lines: Vec<String>| {
        lines.sort();
        lines
    };
    assert_eq!(
        sorted(original),
        sorted(racy),
        "go/racy changes more than where a line stands"
    );
}

/// The Rust side of the lab does not compile, with the exact errors in `tests/ui/*.stderr`.
/// After a compiler upgrade changes their wording, `TRYBUILD=overwrite cargo test --test races`
/// writes the new ones; read the diff before committing it.
#[test]
fn the_same_mistakes_in_rust_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

/// The mirror's shared state in miniature, for the deadlock below: the client map behind its
/// mutex (each client's "socket" is the list of lines it was sent), and Go's unbuffered channel.
struct MiniRoom {
    clients: Mutex<HashMap<String, Vec<String>>>,
    broadcast: Sender<Message>,
}

struct Message {
    from: String,
    text: String,
}

/// Starts the broadcaster, as the mirror's: for each message, lock the map, write to everyone
/// but its author, unlock.
fn mini_room(members: &[&str]) -> Arc<MiniRoom> {
    let (broadcast, messages) = crossbeam_channel::bounded::<Message>(0);
    let clients = members.iter().map(|id| (id.to_string(), Vec::new()));
    let room = Arc::new(MiniRoom {
        clients: Mutex::new(clients.collect()),
        broadcast,
    });
    let shared = Arc::clone(&room);
    thread::spawn(move || {
        for msg in messages {
            let mut clients = shared.clients.lock();
            for (id, inbox) in clients.iter_mut().filter(|(id, _)| **id != msg.from) {
                inbox.push(format!("{id} <- {}", msg.text));
            }
        }
    });
    room
}

/// A client joins and says hello as the mirror's `handle_connection` does: the guard's block
/// ends before the sends.
fn join_and_say_hello(room: &MiniRoom, id: &str) {
    {
        let mut clients = room.clients.lock();
        clients.insert(id.to_string(), Vec::new());
    }
    say(room, id, &format!("User {id} joined the chat"));
    say(room, id, &format!("[{id}]: hello"));
}

/// The same, with the guard kept to the end of the function: across both sends.
fn join_and_say_hello_holding_the_guard(room: &MiniRoom, id: &str) {
    let mut clients = room.clients.lock();
    clients.insert(id.to_string(), Vec::new());
    say(room, id, &format!("User {id} joined the chat"));
    say(room, id, &format!("[{id}]: hello"));
}

fn say(room: &MiniRoom, from: &str, text: &str) {
    let message = Message {
        from: from.to_string(),
        text: text.to_string(),
    };
    room.broadcast
        .send(message)
        .expect("the broadcaster runs as long as the room");
}

/// How long the deadlocked join is given. The healthy join below finishes in microseconds; the
/// deadlocked one never does, so this only sets how long the test takes.
const DEADLOCK_WAIT: Duration = Duration::from_secs(1);

/// Runs `join` for Ahmed on its own thread; true if it returned within `wait`.
fn finishes_within(room: &Arc<MiniRoom>, join: fn(&MiniRoom, &str), wait: Duration) -> bool {
    let (done, finished) = crossbeam_channel::bounded(1);
    let room = Arc::clone(room);
    thread::spawn(move || {
        join(&room, "Ahmed");
        let _ = done.send(());
    });
    finished.recv_timeout(wait).is_ok()
}

/// The guard released before the sends: Omar receives Ahmed's join and hello.
#[test]
fn a_join_that_releases_the_guard_before_sending_completes() {
    let room = mini_room(&["Omar"]);
    assert!(finishes_within(&room, join_and_say_hello, LINE_TIMEOUT));
    // The broadcaster may still be writing the hello; the lock waits for it.
    let deadline = Instant::now() + LINE_TIMEOUT;
    while room.clients.lock()["Omar"].len() < 2 && Instant::now() < deadline {
        thread::yield_now();
    }
    assert_eq!(
        room.clients.lock()["Omar"],
        [
            "Omar <- User Ahmed joined the chat",
            "Omar <- [Ahmed]: hello"
        ]
    );
}

/// What Rust lets through: the guard held across a blocking send. The first send hands the join
/// to the broadcaster, which then waits for the lock; the second send waits for the broadcaster.
/// Each waits for the other, forever, and it compiles without a warning. (The two threads stay
/// stuck until the test process exits.)
#[test]
fn a_join_that_holds_the_guard_across_the_send_deadlocks() {
    let room = mini_room(&["Omar"]);
    assert!(
        !finishes_within(&room, join_and_say_hello_holding_the_guard, DEADLOCK_WAIT),
        "the join finished: no deadlock"
    );
    assert!(
        room.clients.is_locked(),
        "Ahmed's thread still holds the guard"
    );
    assert!(
        room.clients.try_lock_for(DEADLOCK_WAIT).is_none(),
        "and the broadcaster never gets it"
    );
}
