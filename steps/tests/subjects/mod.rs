//! The servers that the steps' tests run side by side: the Go original, each step's binary and
//! ours in-process, each started fresh on a free port ([`start`]); the mirror in tokio
//! (steps/async, docs/threads-and-tasks.md) in-process too, for the shared chat tests; and what
//! the tests share to drive them (a settled [`room`], the client's screen text).

#![allow(dead_code)] // Each test file uses its own part.

#[path = "../../../tests/common/mod.rs"]
pub mod common;
#[path = "../../../tests/common/go_original.rs"]
pub mod go_original;
pub mod provoke;
pub mod shell;

use common::program::Program;
use common::{Client, start_server_with, test_config, without_colours};
use realtime_chat::{Config, Server};
use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::time::Duration;

/// A server under test.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    Go,
    Step(usize),
    Ours,
    /// The mirror with a tokio task per client (steps/async). Not a column of docs/steps.md's
    /// flaw table: docs/threads-and-tasks.md has its own, tested by `tasks.rs`.
    Tasks,
}

pub const SUBJECTS: [Subject; 6] = [
    Subject::Go,
    Subject::Step(1),
    Subject::Step(2),
    Subject::Step(3),
    Subject::Step(4),
    Subject::Ours,
];

/// docs/steps.md's column headings, in the order of [`SUBJECTS`].
pub const COLUMNS: [&str; 6] = [
    "Go original",
    "step 1",
    "step 2",
    "step 3",
    "step 4",
    "ours (src/)",
];

/// Joins `ids` in order and returns them once the room has settled: every join notice has
/// reached everyone it will reach, so later lines are the test's own.
///
/// Each join after the second is seen by everyone already there. The first has nobody to see
/// it: in the Go original's design its notice may still be on its way when the second client
/// joins, and reach that newcomer after a user list that already names its sender (the same
/// flaw as the user list's, the test of "a newcomer's user list" in `steps.rs`). So the first client speaks once, and
/// the second reads up to that line.
pub fn room<const N: usize>(addr: SocketAddr, ids: [&str; N]) -> [Client; N] {
    let mut clients: Vec<Client> = Vec::new();
    for (at, id) in ids.into_iter().enumerate() {
        let mut others: Vec<&mut Client> = clients.iter_mut().collect();
        let client = Client::join_seen_by(addr, id, &mut others);
        clients.push(client);
        if at == 1 {
            clients[0].send("settled?");
            let line = format!("[{}]: settled?", ids[0]);
            expect_after_late_join(&mut clients[1], &line, ids[0]);
        }
    }
    clients.try_into().ok().expect("one client per ID")
}

/// Expects `line`, after the notice of `early`'s join if that arrives late (see [`room`]).
pub fn expect_after_late_join(client: &mut Client, line: &str, early: &str) {
    let mut next = client.read_line();
    if next == format!("User {early} joined the chat") {
        next = client.read_line();
    }
    assert_eq!(next, line);
}

/// The limits a flaw test sets on the servers that have them.
#[derive(Clone, Copy)]
pub struct Limits {
    pub id_timeout: Option<Duration>,
    pub max_clients: Option<usize>,
}

impl Limits {
    pub const NONE: Limits = Limits {
        id_timeout: None,
        max_clients: None,
    };
}

/// A server started for one test: a child process, or ours in-process. Dropping it stops it.
pub enum Running {
    Process(#[allow(dead_code)] Program),
    InProcess(#[allow(dead_code)] Server),
    Tasks(#[allow(dead_code)] tasks::Server),
}

/// Runs `test` against every subject, the mirror in tokio included, each on a fresh server.
pub fn for_each_subject(limits: Limits, test: impl Fn(Subject, SocketAddr)) {
    for subject in SUBJECTS.into_iter().chain([Subject::Tasks]) {
        if let Some((_server, addr)) = start(subject, limits) {
            test(subject, addr);
        }
    }
}

/// Starts a subject on a free port, or returns `None` for the Go original without Go.
pub fn start(subject: Subject, limits: Limits) -> Option<(Running, SocketAddr)> {
    let mut args: Vec<String> = Vec::new();
    let binary = match subject {
        Subject::Ours => return Some(start_ours(limits)),
        Subject::Tasks => return Some(start_tasks(tasks::BROADCAST_CAPACITY)),
        Subject::Go => go_original::go_original()?.server.to_str()?.to_string(),
        Subject::Step(n) => {
            if n == 4 {
                if let Some(timeout) = limits.id_timeout {
                    args.extend(["-id-timeout".into(), timeout.as_secs_f64().to_string()]);
                }
                if let Some(max) = limits.max_clients {
                    args.extend(["-max-clients".into(), max.to_string()]);
                }
            }
            step_server(n).to_string()
        }
    };
    Some(start_process(&binary, &args))
}

pub fn start_ours(limits: Limits) -> (Running, SocketAddr) {
    let defaults = Config::default();
    let server = start_server_with(Config {
        max_rate: 0, // The flood tests send faster than a person, on purpose: no pacing.
        id_timeout: limits.id_timeout.unwrap_or(defaults.id_timeout),
        max_clients: limits.max_clients.unwrap_or(defaults.max_clients),
        ..test_config()
    });
    let addr = server.local_addr();
    (Running::InProcess(server), addr)
}

/// Starts the mirror in tokio, with a broadcast channel of `capacity` messages. It has no
/// limits to set.
pub fn start_tasks(capacity: usize) -> (Running, SocketAddr) {
    let any_port = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = tasks::Server::bind(any_port, capacity).expect("binding 127.0.0.1:0 must work");
    let addr = server.local_addr();
    (Running::Tasks(server), addr)
}

pub fn step_server(step: usize) -> &'static str {
    match step {
        1 => env!("CARGO_BIN_EXE_step1-server"),
        2 => env!("CARGO_BIN_EXE_step2-server"),
        3 => env!("CARGO_BIN_EXE_step3-server"),
        4 => env!("CARGO_BIN_EXE_step4-server"),
        _ => panic!("there is no step {step}"),
    }
}

/// Starts a server that takes Go's `-port` flag and prints Go's banner. The port is found by
/// binding port 0 and letting it go, so another test may take it first; then the server says
/// so and exits, and another port is tried.
pub fn start_process(binary: &str, args: &[String]) -> (Running, SocketAddr) {
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("the system has a free port")
            .port();
        let server = Program::start(
            Command::new(binary)
                .args(["-port", &port.to_string()])
                .args(args),
        );
        let banner = server.read_line();
        if banner == format!("Server running on port {port}...") {
            return (
                Running::Process(server),
                SocketAddr::from(([127, 0, 0, 1], port)),
            );
        }
        assert!(
            banner.starts_with("Error starting server:"),
            "unexpected banner {banner:?}"
        );
    }
    panic!("{binary} found no free port in 5 tries");
}

/// What is left on the screen of a line the client drew over the prompt: the text after its
/// last carriage return.
pub fn last_shown(raw: &str) -> String {
    without_colours(raw.rsplit('\r').next().unwrap_or(raw))
}
