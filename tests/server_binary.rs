//! The real `server` binary: its banner, its options and its errors.

mod common;

use common::Client;
use common::server_process::{SERVER, ServerProcess, exit_code_and_log, signal};
use std::net::TcpListener;
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// Runs the binary to completion and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(SERVER)
        .args(args)
        .output()
        .expect("running the server binary");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (
        output.status.code().unwrap_or(-1),
        text(output.stdout),
        text(output.stderr),
    )
}

/// The banner names the real port, even on port 0; clients chat through it; the log follows,
/// `[SERVER]` lines and nothing else (no trace lines without `--trace`).
#[test]
fn binary_prints_real_port_and_serves_a_chat() {
    let server = ServerProcess::start("", "");
    let (mut omar, _) = Client::join(server.addr, "Omar");
    let mut ahmed = Client::join_seen_by(server.addr, "Ahmed", &mut [&mut omar]);
    ahmed.send("Hi Omar!");
    omar.expect("[Ahmed]: Hi Omar!");
    drop(ahmed);
    omar.expect("User Ahmed left the chat");
    let log: Vec<String> = (0..3)
        .map(|_| server.log.recv_timeout(common::LINE_TIMEOUT).unwrap())
        .collect();
    assert_eq!(
        log,
        [
            "[SERVER] User 'Omar' joined the chat",
            "[SERVER] User 'Ahmed' joined the chat",
            "[SERVER] User 'Ahmed' left the chat"
        ]
    );
}

/// An address in use says so, suggests the next port, and exits 2.
#[test]
fn address_in_use_says_what_to_do() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, _, stderr) = run(&["--addr", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "server: port {port} is in use: is a server already running? try --addr 127.0.0.1:{}\n",
            port + 1
        )
    );
}

/// How long a test listens to conclude that no second accept error is logged: ten retries of a
/// failing `accept` ([`realtime_chat::acceptor::ACCEPT_BACKOFF`] apart) once logged ten lines.
const ACCEPT_ERRORS_QUIET: Duration = Duration::from_secs(1);

/// With 12 file descriptors, `--max-clients 100` cannot fit: the server says so at start. Then
/// `accept` fails: the server logs why once (not ten times a second), keeps running, and serves
/// the waiting client as soon as a descriptor is free again.
#[test]
fn accept_errors_are_logged_once_and_survived() {
    let mut server = ServerProcess::start("ulimit -n 12;", "--max-clients 100");
    let errors = server.stderr();
    let warning = errors
        .recv_timeout(common::LINE_TIMEOUT)
        .expect("a warning at start");
    assert!(
        warning.starts_with(
            "server: --max-clients 100 needs about 116 file descriptors, but this process may \
             open only 12 (ulimit -n)"
        ),
        "{warning}"
    );
    let mut served = Vec::new();
    let mut waiting = loop {
        assert!(served.len() < 20, "the descriptor limit never bit");
        let mut client = Client::connect_silently(server.addr);
        match first_sign(&mut client, &errors) {
            Sign::Prompt => served.push(client),
            Sign::AcceptError(line) => {
                assert!(line.contains("accepting a connection failed"), "{line}");
                break client;
            }
        }
    };
    assert!(
        errors.recv_timeout(ACCEPT_ERRORS_QUIET).is_err(),
        "a second accept error was logged at once"
    );
    drop(served.pop());
    waiting.expect("Enter your ID:");
    waiting.send("Ahmed");
    waiting.expect("** No other users in chat **");
}

enum Sign {
    Prompt,
    AcceptError(String),
}

/// Waits for whichever comes first: the ID prompt on `client`, or a line on the server's stderr.
/// Polls both in short slices, up to the usual line timeout in all.
fn first_sign(client: &mut Client, errors: &Receiver<String>) -> Sign {
    let slice = Duration::from_millis(20);
    client.stream.set_read_timeout(Some(slice)).unwrap();
    let started = Instant::now();
    let mut prompt = [0u8; 15];
    while started.elapsed() < common::LINE_TIMEOUT {
        if let Ok(line) = errors.try_recv() {
            client
                .stream
                .set_read_timeout(Some(common::LINE_TIMEOUT))
                .unwrap();
            return Sign::AcceptError(line);
        }
        if client.stream.peek(&mut prompt).ok() == Some(prompt.len()) {
            client
                .stream
                .set_read_timeout(Some(common::LINE_TIMEOUT))
                .unwrap();
            assert_eq!(&prompt, b"Enter your ID:\n");
            return Sign::Prompt;
        }
    }
    panic!(
        "neither a prompt nor an accept error within {:?}",
        common::LINE_TIMEOUT
    );
}

/// Ctrl-C (SIGINT) stops the server gracefully: both joined clients are told before their
/// connections close, the log says so, and the process exits 0.
#[test]
fn sigint_tells_every_client_and_exits_0() {
    let mut server = ServerProcess::start("", "");
    let (mut omar, mut ahmed) = common::omar_and_ahmed(server.addr);
    signal(&server, "INT");
    omar.expect("** Server is shutting down **");
    ahmed.expect("** Server is shutting down **");
    omar.expect_closed();
    ahmed.expect_closed();
    let (code, log) = exit_code_and_log(&mut server);
    assert_eq!(code, 0);
    assert!(
        log.iter()
            .any(|line| line.starts_with("[SERVER] Shutting down")),
        "{log:?}"
    );
}

/// SIGTERM (what `kill` and service managers send) is a graceful stop too.
#[test]
fn sigterm_stops_gracefully_too() {
    let mut server = ServerProcess::start("", "");
    let (mut omar, _) = Client::join(server.addr, "Omar");
    signal(&server, "TERM");
    omar.expect("** Server is shutting down **");
    assert_eq!(exit_code_and_log(&mut server).0, 0);
}

/// `--trace` shows one message's life thread by thread: the acceptor starts Ahmed's thread, that
/// thread reads his line and hands it on, and the broadcaster sends it, in that order.
#[test]
fn trace_names_the_acceptor_the_client_thread_and_the_broadcaster_in_order() {
    let server = ServerProcess::start("", "--trace");
    let (mut omar, _) = Client::join(server.addr, "Omar");
    let mut ahmed = Client::join_seen_by(server.addr, "Ahmed", &mut [&mut omar]);
    ahmed.send("Hello!");
    omar.expect("[Ahmed]: Hello!");
    let peer = ahmed.stream.local_addr().expect("a connected socket");
    let thread = format!("client-{peer}");
    let steps = [
        format!("[acceptor] {peer} connected; started thread {thread}"),
        format!("[{thread}] ID \"Ahmed\" claimed -> Joined"),
        format!("[{thread}] read \"Hello!\" -> Said"),
        "[broadcaster] batch of 1 event -> 1 send, 16 bytes".to_string(),
    ];
    let mut seen = Vec::new();
    for step in steps {
        loop {
            let line = server
                .log
                .recv_timeout(common::LINE_TIMEOUT)
                .unwrap_or_else(|_| panic!("no {step:?} after {seen:#?}"));
            seen.push(line.clone());
            if line == step {
                break;
            }
        }
    }
}
