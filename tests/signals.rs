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

/// Under `nohup` (SIGHUP ignored at start) the server outlives its terminal: SIGHUP stays
/// ignored (the kernel's own record of the process says so, `SigIgn` in `/proc/PID/status`), a
/// SIGHUP changes nothing, and the Ctrl-C after it is a graceful stop that exits 0.
#[test]
fn sighup_is_left_alone_when_ignored_at_start() {
    let mut server = ServerProcess::start("trap '' HUP;", "");
    let (ignored, caught) = signal_masks(server.child.id());
    assert!(ignored & SIGHUP_BIT != 0, "SIGHUP is no longer ignored");
    assert!(
        caught & SIGHUP_BIT == 0,
        "a handler was installed for SIGHUP"
    );
    let (mut omar, _) = Client::join(server.addr, "Omar");
    signal(&server, "HUP");
    let _ahmed = Client::join_seen_by(server.addr, "Ahmed", &mut [&mut omar]);
    signal(&server, "INT");
    omar.expect("** Server is shutting down **");
    let (code, log) = exit_code_and_log(&mut server);
    assert_eq!(code, 0, "{log:?}");
}

/// SIGHUP's bit in the signal masks of `/proc/PID/status` (signal 1 is bit 0).
const SIGHUP_BIT: u64 = 1;

/// The process's ignored and caught signals, from `SigIgn` and `SigCgt` in `/proc/PID/status`.
fn signal_masks(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("reading status");
    let mask = |name: &str| {
        let hex = status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {status}"));
        u64::from_str_radix(hex.trim(), 16).expect("a hexadecimal mask")
    };
    (mask("SigIgn:"), mask("SigCgt:"))
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
