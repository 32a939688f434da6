//! The server's memory stays flat while a peer streams 100 MB without a newline. Alone in its own
//! test binary, so no other test's allocations move this process's resident size.

mod common;

use common::{omar_and_ahmed, start_server};

/// This process's resident set size in KiB, from `/proc/self/status`.
fn resident_kib() -> u64 {
    let status =
        std::fs::read_to_string("/proc/self/status").expect("Linux exposes /proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("a VmRSS line");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// 100 MB with no newline costs the server no more than a few MiB (one line buffer of 4 KiB and
/// socket buffers), far below the 100 MB the Go original would hold; afterwards the connection
/// still works.
#[test]
fn a_hundred_megabytes_without_newline_keeps_memory_flat() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    let chunk = vec![b'z'; 1024 * 1024];
    ahmed.send_raw(&chunk); // Warm up: socket buffers and the reader at their working size.
    let before = resident_kib();
    let mut peak = before;
    for _ in 0..100 {
        ahmed.send_raw(&chunk);
        peak = peak.max(resident_kib());
    }
    ahmed.send_raw(b"\n");
    ahmed.expect("** Line too long (max 4096 bytes); not sent **");
    let growth = peak.saturating_sub(before);
    eprintln!(
        "RSS before {before} KiB, peak {peak} KiB, growth {growth} KiB while streaming 100 MiB"
    );
    assert!(growth < 16 * 1024, "RSS grew by {growth} KiB");
    ahmed.send("still here");
    omar.expect("[Ahmed]: still here");
}
