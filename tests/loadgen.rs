//! The load generator's smoke test: a tiny scenario against a real in-process server, through the
//! real `loadgen` binary, so the tool cannot rot. Counts are asserted; timings never are.

mod common;

use realtime_chat::Config;
use std::process::Command;

/// Four clients, two of them sending twenty messages each: every one of the 2 x 20 x 3
/// deliveries arrives, and the JSON says so.
#[test]
fn a_tiny_scenario_loses_nothing() {
    // A load generator measures the server at full speed: pacing off, as in `make bench`.
    let server = common::start_server_with(Config {
        max_rate: 0,
        ..common::test_config()
    });
    let output = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args(["--addr", &server.local_addr().to_string()])
        .args(["--clients", "4", "--senders", "2", "--messages", "20"])
        .args(["--timeout", "20", "--json"])
        .output()
        .expect("the loadgen binary runs");
    let json = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "loadgen failed: {json} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for field in [
        "\"status\":\"ok\"",
        "\"failures\":0,",
        "\"sent\":40,",
        "\"expected\":120,",
        "\"received\":120,",
        "\"lost\":0,",
    ] {
        assert!(json.contains(field), "expected {field} in {json}");
    }
}
