//! The course's step 5 (docs/steps.md, "Step 5: reading the real server") is a timed tour of
//! `src/`: each stop names the files to open and the tests that show what it adds. This checks
//! that the tour still fits its 30 minutes and that every test it names exists, so the tour
//! cannot drift from the code. (Its files and `Type::item` names are checked with every other
//! chapter's, by `tests/readme.rs`.)

use std::fs;
use std::path::Path;

const TOUR: &str = "## Step 5: reading the real server (30 minutes)";

/// The tour's section of docs/steps.md, up to the next heading.
fn tour() -> String {
    let steps = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/steps.md"))
        .expect("docs/steps.md");
    let start = steps.find(TOUR).expect("docs/steps.md has the step 5 tour");
    let rest = &steps[start + TOUR.len()..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
}

/// Every stop is numbered, bold and timed, `1. **The threads** (3 min)`, and the stops add up
/// to the 30 minutes the heading promises.
#[test]
fn the_tour_takes_thirty_minutes() {
    let minutes: u32 = tour()
        .lines()
        .filter_map(|line| line.split_once("** (")?.1.split_once(" min)"))
        .map(|(minutes, _)| minutes.parse::<u32>().expect("a stop's minutes"))
        .sum();
    assert_eq!(minutes, 30);
}

/// Every `Test:` line names test files and, after each, a test function that file declares.
#[test]
fn every_test_the_tour_names_exists() {
    let mut checked = 0;
    for line in tour().lines().map(str::trim) {
        // A `Test:` line, or its continuation on the next line.
        if !(line.starts_with("Test: ") || line.starts_with("`tests/")) {
            continue;
        }
        let tests = line.trim_start_matches("Test: ");
        let names: Vec<&str> = tests.split('`').skip(1).step_by(2).collect();
        for pair in names.chunks(2) {
            let [file, test] = pair else {
                panic!("{line:?}: a file without its test")
            };
            let source = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
                .unwrap_or_else(|_| panic!("the tour names {file}, which does not exist"));
            assert!(
                source.contains(&format!("fn {test}(")),
                "the tour names {test} in {file}, which declares no such test"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 7,
        "only {checked} tests named by the tour were found"
    );
}
