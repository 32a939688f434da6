//! The race lab (docs/races.md): what each language catches, and what neither does.
//!
//! - Go's race detector finds the data race in go/racy (the Go original with one lock moved), at
//!   run time, once three clients join and leave (needs Go; `skipped: ...` without it).
//! - The same mistakes in Rust do not compile: the exact compiler errors are kept in
//!   `tests/ui/*.stderr` and checked with `trybuild`.
//! - What Rust lets through: a guard held across a blocking send deadlocks, shown with a timeout.

use std::path::Path;
use std::process::Command;

/// `make go-race`: the detector's real report, naming the map write in `handleClient` and the
/// unguarded read in `broadcaster`.
#[test]
fn go_race_detector_reports_the_moved_lock() {
    if !Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        println!("skipped: go not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-race");
    let output = Command::new(root.join("go/racy/race.sh"))
        .arg(&bin)
        .output()
        .expect("go/racy/race.sh runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "race.sh failed: {report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("WARNING: DATA RACE"), "{report}");
    assert!(report.contains("main.broadcaster()"), "{report}");
    assert!(report.contains("main.handleClient()"), "{report}");
}

/// go/racy differs from the Go original only in where one line stands: the same code lines,
/// comments aside, in another order. So the lab shows one mistake, not a rewrite.
#[test]
fn go_racy_is_the_original_with_one_lock_moved() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = |path: &str| {
        let text = std::fs::read_to_string(root.join(path)).expect("a Go file");
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .map(str::to_string)
            .collect();
        lines
    };
    let (original, racy) = (code("go/server/server.go"), code("go/racy/server.go"));
    assert_ne!(original, racy, "the lock has not moved");
    let sorted = |mut lines: Vec<String>| {
        lines.sort();
        lines
    };
    assert_eq!(
        sorted(original),
        sorted(racy),
        "go/racy changes more than where a line stands"
    );
}

/// The Rust side of the lab does not compile, with the exact errors in `tests/ui/*.stderr`.
/// After a compiler upgrade changes their wording, `TRYBUILD=overwrite cargo test --test races`
/// writes the new ones; read the diff before committing it.
#[test]
fn the_same_mistakes_in_rust_do_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
