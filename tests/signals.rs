//! The real `server` binary and its signals: a stop that works while the log is blocked, and
//! SIGHUP that stops the server unless `nohup` said to ignore it.

mod common;

use common::server_process::{ServerProcess, exit_code_and_log, signal};
use common::{Client, omar_and_ahmed};
use std::io::Read;
use std::process::Command;

/// Lines sent through a `--trace` server to fill its standard output: each one logs three or four
/// trace lines of about 80 bytes, so 2,000 of them are several times the 64 KiB a pipe holds.
const LINES_TO_FILL_THE_PIPE: usize = 2000;

/// SIGTERM stops the server even while its standard output is blocked (here a pipe nobody reads,
/// as a terminal paused with Ctrl-S): both clients are told, and once the output moves again the
/// process exits 0.
#[test]
fn sigterm_stops_the_server_while_its_output_is_blocked() {
    let (mut server, mut output) =
        ServerProcess::start_with_output_held(&["--trace", "--max-rate", "0"]);
    let addr = server.addr;
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    ahmed.send_raw("fill\n".repeat(LINES_TO_FILL_THE_PIPE).as_bytes());
    for _ in 0..LINES_TO_FILL_THE_PIPE {
        omar.expect("[Ahmed]: fill");
    }
    let kill = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(kill.success());
    omar.expect("** Server is shutting down **");
    ahmed.expect("** Server is shutting down **");
    omar.expect_closed();

    let mut rest = Vec::new();
    output
        .read_to_end(&mut rest)
        .expect("reading the rest of the log");
    let status = server.child.wait().expect("waiting for the server");
    assert_eq!(status.code(), Some(0));
}

/// Under `nohup` (SIGHUP ignored at start) the server outlives its terminal: a SIGHUP does
/// nothing, so the Ctrl-C after it is the first signal, a graceful stop that exits 0, not the
/// second, which would end the process at once (130).
#[test]
fn sighup_is_left_alone_when_ignored_at_start() {
    let mut server = ServerProcess::start("trap '' HUP;", "");
    let (mut omar, _) = Client::join(server.addr, "Omar");
    signal(&server, "HUP");
    signal(&server, "INT");
    omar.expect("** Server is shutting down **");
    let (code, log) = exit_code_and_log(&mut server);
    assert_eq!(code, 0, "{log:?}");
    let stops = log
        .iter()
        .filter(|line| line.starts_with("[SERVER] Shutting down"))
        .count();
    assert_eq!(stops, 1, "{log:?}");
}

/// Otherwise SIGHUP (the terminal closed) is a graceful stop like SIGTERM.
#[test]
fn sighup_stops_gracefully_otherwise() {
    let mut server = ServerProcess::start("", "");
    let (mut omar, _) = Client::join(server.addr, "Omar");
    signal(&server, "HUP");
    omar.expect("** Server is shutting down **");
    omar.expect_closed();
    assert_eq!(exit_code_and_log(&mut server).0, 0);
}
