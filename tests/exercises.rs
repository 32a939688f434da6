//! The exercises of docs/exercises.md, one test each. Each fails until its exercise is solved, so
//! each is `#[ignore]`d and `make test` stays green; `make exercise N=2` runs exercise 2's test.
//! The model solutions are patches in docs/solutions/; `make solutions` (run by CI) applies each
//! to a scratch copy of the repository and checks that its test then passes, and that every test
//! here fails without its patch.

mod common;

use common::program::Program;
use common::{Client, LINE_TIMEOUT, omar_and_ahmed, start_server, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::Server;
use realtime_chat::logger::LogSink;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Exercise 1: with `MAX_BATCH` at 1, every event is its own batch, however fast lines come.
/// Today a paste into a room of ten makes batches: each event costs the broadcaster a `send` per
/// member, and the pasting client's thread reads its lines faster than that.
#[test]
#[ignore = "exercise 1: solve it, then `make exercise N=1`"]
fn exercise_1_every_batch_holds_one_event() {
    let trace = Captured::default();
    let config = Config {
        trace: true,
        max_rate: 0,
        ..test_config()
    };
    let server = Server::bind_with_log(config, trace.sink()).expect("binding 127.0.0.1:0");
    let addr = server.local_addr();
    let mut room: Vec<Client> = Vec::new();
    for i in 0..10 {
        let mut others: Vec<&mut Client> = room.iter_mut().collect();
        let newcomer = Client::join_seen_by(addr, &format!("u{i}"), &mut others);
        room.push(newcomer);
    }
    let pasted: String = (0..1000).map(|i| format!("line {i}\n")).collect();
    room[0].send_raw(pasted.as_bytes());
    for reader in &mut room[1..] {
        for i in 0..1000 {
            reader.expect(&format!("[u0]: line {i}"));
        }
    }
    // Ten joins and 1,000 lines, each event traced in the batch that applied it.
    let batches = trace.wait_for_batches(1010);
    let biggest = batches.iter().max();
    assert_eq!(biggest, Some(&1), "{} batches", batches.len());
}

/// Exercise 2: `/me waves` reaches the others as `* Ahmed waves`; the sender gets no echo.
#[test]
#[ignore = "exercise 2: solve it, then `make exercise N=2`"]
fn exercise_2_me_is_an_action() {
    let server = start_server();
    let (mut omar, mut ahmed) = omar_and_ahmed(server.local_addr());
    ahmed.send("/me waves");
    ahmed.send("hello");
    omar.expect("* Ahmed waves");
    omar.expect("[Ahmed]: hello");
    assert_eq!(ahmed.users(), ["Omar", "Ahmed"], "and nothing before it");
}

/// Exercise 3 (break it): in the mirror, the client map's guard kept to the end of
/// `handle_client` freezes the room: a second user's join never gets its user list.
#[test]
#[ignore = "exercise 3: break it, then `make exercise N=3`"]
fn exercise_3_the_mirror_with_the_guard_held_freezes() {
    let (_server, addr) = start_mirror();
    let (_omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::connect(addr);
    sarah.send("Sarah");
    // The healthy mirror answers in microseconds; the frozen one never does.
    sarah
        .stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut line = String::new();
    let answer = io::BufRead::read_line(&mut io::BufReader::new(&sarah.stream), &mut line);
    assert!(
        answer.is_err(),
        "Sarah got {line:?}: the room is not frozen"
    );
}

/// Exercise 4: `/msg Omar psst` reaches Omar alone, marked private; an unknown name is said so.
#[test]
#[ignore = "exercise 4: solve it, then `make exercise N=4`"]
fn exercise_4_msg_reaches_only_its_recipient() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let mut ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut omar, &mut sarah]);
    ahmed.send("/msg Omar psst");
    ahmed.send("hello all");
    omar.expect("[Ahmed -> Omar]: psst");
    omar.expect("[Ahmed]: hello all");
    sarah.expect("[Ahmed]: hello all");
    ahmed.send("/msg Nobody hi");
    ahmed.expect("** No user named Nobody **");
}

/// Exercise 5: a newcomer gets the last 20 messages, after its user list and before anything new.
#[test]
#[ignore = "exercise 5: solve it, then `make exercise N=5`"]
fn exercise_5_a_newcomer_gets_the_last_twenty_messages() {
    let server = start_server_with(Config {
        max_rate: 0,
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    for i in 0..25 {
        omar.send(&format!("line {i}"));
    }
    assert_eq!(omar.users(), ["Omar"], "Omar's lines are all applied");
    let (mut ahmed, list) = Client::join(addr, "Ahmed");
    assert_eq!(list, "** Current users in chat: Omar **");
    omar.expect("User Ahmed joined the chat");
    omar.send("after");
    for i in 5..25 {
        ahmed.expect(&format!("[Omar]: line {i}"));
    }
    ahmed.expect("[Omar]: after");
}

/// Exercise 6: `server --idle-timeout 1` drops a joined user silent for a second: the user is
/// told why, the connection closes, and the room forgets the name.
#[test]
#[ignore = "exercise 6: solve it, then `make exercise N=6`"]
fn exercise_6_an_idle_user_is_dropped() {
    let server = Program::start(Command::new(env!("CARGO_BIN_EXE_server")).args([
        "--addr",
        "127.0.0.1:0",
        "--idle-timeout",
        "1",
    ]));
    let Ok(banner) = server.line_within(LINE_TIMEOUT) else {
        let refusal = server.expect_exit(2);
        panic!(
            "the server refused the option: {}\nAdd `--idle-timeout` to `Config` in \
             src/config.rs first (and to the README's option table), as the exercise says.",
            refusal.trim()
        );
    };
    let addr = banner_address(&banner);
    let (mut omar, _) = Client::join(addr, "Omar");
    omar.expect("** You were idle for 1 s; disconnected **");
    omar.expect_closed();
    let (_sarah, list) = Client::join(addr, "Sarah");
    assert_eq!(list, "** No other users in chat **");
}

/// Exercise 9: `/join cafe` moves Ahmed to the room `cafe`: the lobby hears him leave, the cafe
/// hears newcomers join, and each room's messages and `/users` stay in that room.
#[test]
#[ignore = "exercise 9: solve it, then `make exercise N=9`"]
fn exercise_9_join_moves_a_user_to_another_room() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let mut ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut omar, &mut sarah]);
    ahmed.send("/join cafe");
    ahmed.expect("** No other users in chat **");
    omar.expect("User Ahmed left the chat");
    sarah.expect("User Ahmed left the chat");
    sarah.send("/join cafe");
    sarah.expect("** Current users in chat: Ahmed **");
    ahmed.expect("User Sarah joined the chat");
    omar.expect("User Sarah left the chat");
    sarah.send("hi cafe");
    ahmed.expect("[Sarah]: hi cafe");
    assert_eq!(
        omar.users(),
        ["Omar"],
        "the cafe's message stays in the cafe"
    );
    assert_eq!(
        ahmed.users(),
        ["Sarah", "Ahmed"],
        "in the order they joined the server"
    );
}

/// Exercise 10: each joined client has a writer thread of its own, named `writer-<peer>`, which
/// ends when its client leaves; the chat works as before.
#[test]
#[ignore = "exercise 10: solve it, then `make exercise N=10`"]
fn exercise_10_a_writer_thread_per_client() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut omar, &mut sarah]);
    // Each has received a line, so each writer has been started.
    assert_eq!(writer_threads(), 3, "one writer thread per joined client");
    omar.send("hello");
    sarah.expect("[Omar]: hello");
    drop(ahmed);
    omar.expect("User Ahmed left the chat");
    let deadline = Instant::now() + LINE_TIMEOUT;
    while writer_threads() > 2 && Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert_eq!(writer_threads(), 2, "Ahmed's writer ends when he leaves");
}

/// How many threads of this process are named `writer-...` (Linux keeps a thread's name, cut to
/// 15 bytes, in /proc/self/task/TID/comm).
fn writer_threads() -> usize {
    let tasks = std::fs::read_dir("/proc/self/task").expect("Linux's /proc");
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .filter(|name| name.starts_with("writer-"))
        .count()
}

/// The port in `Server running on port N...`.
fn banner_address(banner: &str) -> SocketAddr {
    let port = banner
        .strip_prefix("Server running on port ")
        .and_then(|rest| rest.strip_suffix("..."))
        .and_then(|port| port.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("unexpected banner {banner:?}"));
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Builds the mirror (`step1-server`, in the `steps` crate, whose binaries this test file cannot
/// name) and starts it on a free port.
fn start_mirror() -> (Program, SocketAddr) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "-p", "steps", "--bin", "step1-server"])
        .status()
        .expect("cargo runs");
    assert!(built.success(), "building step1-server failed");
    let binary: PathBuf = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../debug/step1-server");
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("the system has a free port")
            .port();
        let server = Program::start(Command::new(&binary).args(["-port", &port.to_string()]));
        if server.read_line() == format!("Server running on port {port}...") {
            return (server, SocketAddr::from(([127, 0, 0, 1], port)));
        }
    }
    panic!("the mirror found no free port in 5 tries");
}

/// The server's log, kept in memory so a test can read the trace.
#[derive(Clone, Default)]
struct Captured(Arc<parking_lot::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn sink(&self) -> LogSink {
        LogSink {
            out: Box::new(self.clone()),
            err: Box::new(io::sink()),
        }
    }

    /// The size of each traced batch (`batch of 3 events -> ...`), once they add up to `events`.
    fn wait_for_batches(&self, events: usize) -> Vec<usize> {
        let deadline = Instant::now() + LINE_TIMEOUT;
        loop {
            let log = String::from_utf8_lossy(&self.0.lock()).into_owned();
            let batches: Vec<usize> = log
                .lines()
                .filter_map(|line| line.split("batch of ").nth(1))
                .filter_map(|rest| rest.split(' ').next()?.parse().ok())
                .collect();
            if batches.iter().sum::<usize>() >= events || Instant::now() > deadline {
                return batches;
            }
            std::thread::yield_now();
        }
    }
}
