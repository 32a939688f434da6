//! The load generator's smoke test: a tiny scenario against a real in-process server, through the
//! real `loadgen` binary, so the tool cannot rot. Counts are asserted; timings never are.

use realtime_chat::{Config, Server};
use std::process::Command;

/// Four clients, two of them sending twenty messages each: every one of the 2 x 20 x 3
/// deliveries arrives, and the JSON says so.
#[test]
fn a_tiny_scenario_loses_nothing() {
    // A load generator measures the server at full speed: pacing off, as in `make bench`.
    let config = Config {
        addr: "127.0.0.1:0".to_string(),
        max_rate: 0,
        ..Config::default()
    };
    let server = Server::bind(config).expect("binding 127.0.0.1:0 must work");
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

#[path = "../../tests/common/options_table.rs"]
mod options_table;

/// The option table in the performance chapter says what `loadgen --help` says.
#[test]
fn the_option_table_in_the_docs_matches_the_help() {
    let chapter = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/performance.md");
    let chapter = std::fs::read_to_string(chapter).expect("docs/performance.md");
    let rows = options_table::table_rows(&chapter, "The load generator's own options");
    let help = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .arg("--help")
        .output()
        .expect("loadgen --help runs");
    options_table::assert_table_matches_help(&rows, &String::from_utf8_lossy(&help.stdout));
}
