//! The Go original (`go/`) and the Rust port speak one protocol: the Rust client chats on the Go
//! server, and the Go client on the Rust server, each with a raw socket user on the other side.
//! Every expected line is built with `realtime_chat::protocol`, so these tests also check that the
//! Go original still says what the port says.
//!
//! They need Go: without `go` on the PATH each test prints `skipped: go not installed` and passes
//! (`.ci/run` installs Go, so CI runs them). The Go binaries are built once per run, offline, into
//! cargo's temporary directory for integration tests.

mod common;
#[path = "common/go_original.rs"]
mod go_original;

use common::program::Program;
use common::{Client, without_colours};
use go_original::{go_original, run_go_tool};
use realtime_chat::protocol::{self, log};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::Command;

/// The Go client's prompt, as its text reads once the colour codes are gone.
const GO_PROMPT: &str = "[you] > ";

/// The Rust client joins the Go server with `--id` and chats both ways with a raw socket user;
/// the Go server announces the join and the leave and logs both, in our server's words.
#[test]
fn the_rust_client_chats_on_the_go_server() {
    let Some(go) = go_original() else { return };
    let (server, addr) = start_go_server(&go.server);
    let (mut omar, alone) = Client::join(addr, "Omar");
    // The original's list when nobody else is there (ours says `** No other users in chat **`).
    assert_eq!(alone, "** Current users in chat:  **");
    server.expect(&log::joined("Omar"));

    let mut ahmed = Program::start(Command::new(env!("CARGO_BIN_EXE_client")).args([
        "--addr",
        &addr.to_string(),
        "--id",
        "Ahmed",
    ]));
    ahmed.expect(protocol::ID_PROMPT);
    ahmed.expect(&protocol::current_users_line(&["Omar"]));
    omar.expect(&protocol::joined_line("Ahmed"));
    server.expect(&log::joined("Ahmed"));

    ahmed.type_line("Hello!");
    omar.expect(&protocol::chat_line("Ahmed", "Hello!"));
    omar.send("Hi Ahmed!");
    ahmed.expect(&protocol::chat_line("Omar", "Hi Ahmed!"));

    ahmed.close_stdin();
    omar.expect(&protocol::left_line("Ahmed"));
    server.expect(&log::left("Ahmed"));
    assert_eq!(ahmed.finish(), (vec![], Some(0)), "(lines left, exit code)");
}

/// The Go client joins the Rust server: the ID is simply the first line typed, after the ID
/// question on its own line (`Enter your ID: Ahmed`, no newline before the answer), and the
/// server's lines show up in colour, each over the `[you] > ` prompt.
#[test]
fn the_go_client_chats_on_the_rust_server() {
    let Some(go) = go_original() else { return };
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");

    let mut ahmed =
        Program::start(Command::new(&go.client).args(["-addr", &server.local_addr().to_string()]));
    ahmed.type_line("Ahmed");
    // The question ends without a newline, so it shares a line of output with the user list.
    let raw = expect_shown(&ahmed, &protocol::current_users_line(&["Omar"]));
    assert!(
        without_colours(&raw).contains(&format!("{} ", protocol::ID_PROMPT)),
        "the ID question is followed by a space, not a newline: {raw:?}"
    );
    // The prompt leaves green on, so that what the user types (the terminal's echo) is green.
    assert!(
        raw.contains("\x1b[32m[you] > ") && !raw.contains("[you] > \x1b[0m"),
        "the prompt does not reset its colour: {raw:?}"
    );
    omar.expect(&protocol::joined_line("Ahmed"));

    ahmed.type_line("Hello!");
    omar.expect(&protocol::chat_line("Ahmed", "Hello!"));
    omar.send("Hi Ahmed!");
    let yellow = "\x1b[33m";
    let raw = expect_shown(&ahmed, &protocol::chat_line("Omar", "Hi Ahmed!"));
    assert!(
        raw.contains(yellow),
        "another user's message is yellow: {raw:?}"
    );

    ahmed.close_stdin();
    omar.expect(&protocol::left_line("Ahmed"));
    let (rest, code) = ahmed.finish();
    assert_eq!(
        code,
        Some(0),
        "the Go client exits 0 at the end of its input"
    );
    for line in rest {
        assert_eq!(
            shown(&line).replace(GO_PROMPT, ""),
            "",
            "only prompts are left"
        );
    }
}

/// The Go original stays as its authors would format and check it: `gofmt` and `go vet` find
/// nothing.
#[test]
fn the_go_original_is_gofmt_and_vet_clean() {
    let Some(_) = go_original() else { return };
    let unformatted = run_go_tool(Command::new("gofmt").args(["-l", "."]));
    assert_eq!(unformatted, "", "gofmt would change these files");
    run_go_tool(Command::new("go").args(["vet", "./..."]));
}

/// Starts the Go server on a free port and waits for its banner. The port is found by binding
/// port 0 and letting it go, so another test may take it first; then the server says so and
/// exits, and another port is tried.
fn start_go_server(binary: &Path) -> (Program, SocketAddr) {
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("the system has a free port")
            .port();
        let server = Program::start(Command::new(binary).args(["-port", &port.to_string()]));
        let banner = server.read_line();
        if banner == log::running(port) {
            return (server, SocketAddr::from(([127, 0, 0, 1], port)));
        }
        assert!(
            banner.starts_with("Error starting server:"),
            "unexpected banner {banner:?}"
        );
    }
    panic!("the Go server found no free port in 5 tries");
}

/// Expects the next line to show `text` once the Go client's colours and prompt are gone, and
/// returns the line as it was printed.
fn expect_shown(program: &Program, text: &str) -> String {
    let raw = program.read_line();
    assert_eq!(shown(&raw), text, "printed as {raw:?}");
    raw
}

/// What a terminal shows of one line of the Go client's output: it draws each server line over
/// the prompt (`\r`, erase, colour, text, reset), so the text after the last `\r`, without the
/// `ESC [ ... letter` colour and erase codes.
fn shown(raw: &str) -> String {
    without_colours(raw.rsplit('\r').next().unwrap_or(raw))
}
