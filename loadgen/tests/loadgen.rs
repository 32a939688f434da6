//! The load generator's smoke test: a tiny scenario against a real in-process server, through the
//! real `loadgen` binary, so the tool cannot rot. Counts are asserted; timings never are.

use loadgen::saved::{self, Run};
use realtime_chat::{Config, Server};
use std::process::Command;
use std::time::Duration;

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
    let run = run_loadgen(
        &server,
        "--clients 4 --senders 2 --messages 20 --timeout 20",
    );
    assert_eq!(run.get("status").map(String::as_str), Some("ok"));
    for (key, value) in [
        ("failures", 0.0),
        ("sent", 40.0),
        ("expected", 120.0),
        ("received", 120.0),
        ("lost", 0.0),
    ] {
        assert_eq!(number(&run, key), value, "{key} in {run:?}");
    }
}

/// Runs the loadgen binary with `args` (words separated by spaces) against `server` and returns
/// its JSON report, read back as a run; panics (with loadgen's output) unless the run was
/// complete and lost nothing.
fn run_loadgen(server: &Server, args: &str) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args(["--addr", &server.local_addr().to_string(), "--json"])
        .args(args.split_whitespace())
        .output()
        .expect("the loadgen binary runs");
    let json = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "loadgen failed: {json} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    saved::parse_object(json.trim()).unwrap_or_else(|| panic!("not one JSON object: {json}"))
}

/// A number from a report; panics, naming the key, if it is missing or not a number.
fn number(run: &Run, key: &str) -> f64 {
    let value = run
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {run:?}"));
    value
        .parse()
        .unwrap_or_else(|_| panic!("{key} is {value:?}"))
}

/// Trickling attackers really come from the addresses given, so the server's per-address rules
/// apply to them: with one connection allowed per address, the third attacker (127.0.0.2 again)
/// is refused. And a dropped attacker comes back: a healthy talker floods the room with 4 KB
/// lines (pacing off), the attackers read 4 KiB every 0.5 s, and the server's small soft backlog
/// drops them within a second. The healthy clients, on the exempt 127.0.0.1, lose nothing.
#[test]
fn trickling_attackers_come_from_their_addresses_and_come_back() {
    let config = Config {
        addr: "127.0.0.1:0".to_string(),
        max_rate: 0,
        max_per_address: 1,
        soft_backlog: 64 * 1024,
        soft_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let server = Server::bind(config).expect("binding 127.0.0.1:0 must work");
    let flood = "--clients 2 --senders 1 --messages 2000 --size 4000 --rate 500 --timeout 20";
    let run = run_loadgen(&server, flood);
    assert_eq!(number(&run, "trickle"), 0.0, "no attack unless asked");
    let attack = "--trickle 3 --attack-from 127.0.0.2,127.0.0.3";
    let run = run_loadgen(&server, &format!("{flood} {attack}"));
    assert_eq!(number(&run, "trickle"), 3.0);
    assert_eq!((number(&run, "failures"), number(&run, "lost")), (0.0, 0.0));
    assert!(number(&run, "attack_refused") >= 1.0, "{run:?}");
    assert!(number(&run, "attack_drops") >= 1.0, "{run:?}");
    assert!(number(&run, "attack_reconnects") >= 1.0, "{run:?}");
}

/// The churn's members paste and are held, and `--quiet` samples the server's memory after the
/// run (the server runs in this test's own process, so its PID is ours).
#[test]
fn churn_members_paste_and_the_memory_is_sampled_after_a_quiet_pause() {
    let config = Config {
        addr: "127.0.0.1:0".to_string(),
        ..Config::default()
    };
    let server = Server::bind(config).expect("binding 127.0.0.1:0 must work");
    let pid = std::process::id();
    let healthy = "--clients 2 --senders 1 --messages 6 --rate 4 --timeout 20";
    let churn = format!("--churn 2 --churn-every 0.5 --quiet 0.2 --server-pid {pid}");
    let run = run_loadgen(&server, &format!("{healthy} {churn}"));
    assert_eq!(number(&run, "churn"), 2.0);
    assert!(
        number(&run, "churn_pasted") >= 4.0,
        "two waves at least: {run:?}"
    );
    assert!(number(&run, "rss_before_mib") > 0.0, "{run:?}");
    assert!(number(&run, "rss_quiet_mib") > 0.0, "{run:?}");
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
