//! The lab sheet's shape and its answers: every segment is timed and the minutes add up to at
//! most two hours; every segment asks a question before its commands and folds the answer; every
//! command is in a block a test can run (`tests/lab.rs` runs them); and every answer, in the sheet
//! and in docs/quizzes.md, states an outcome that is checked here against the real one: the
//! compiler's error kept in `tests/ui/`, the flaw table of docs/steps.md (which
//! `steps/tests/steps.rs` measures), a screen of the sheet (which `tests/lab.rs` runs), or what a
//! named test asserts.

#[path = "common/lab_sheet.rs"]
mod lab_sheet;

use lab_sheet::{Check, Kind};
use std::path::Path;

/// The most a lab may take, in minutes: two hours.
const LAB_MINUTES: u32 = 120;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_segments_are_numbered_in_order_and_fit_in_two_hours() {
    let sheet = read("docs/lab.md");
    let segments = lab_sheet::segments(&sheet);
    assert!(segments.len() >= 6, "only {} segments", segments.len());
    for (at, segment) in segments.iter().enumerate() {
        assert_eq!(
            segment.number,
            at + 1,
            "segment {:?} is out of order",
            segment.title
        );
    }
    let total: u32 = segments.iter().map(|s| s.minutes).sum();
    assert!(total <= LAB_MINUTES, "the segments take {total} minutes");
    assert!(
        sheet.contains(&format!("{} segments, {total} minutes", segments.len())),
        "the introduction must say the lab's true length: {} segments, {total} minutes",
        segments.len()
    );
    assert!(sheet.contains("**Minimum path:**"), "a one-hour version");
}

/// Each segment with commands asks first and answers in a fold, with a note for the teacher.
#[test]
fn every_segment_asks_before_it_runs_and_folds_its_answer() {
    for segment in lab_sheet::segments(&read("docs/lab.md")) {
        if segment.blocks.is_empty() {
            continue; // The last segment has no commands, so nothing to predict.
        }
        let text = &segment.text;
        let asked = text.find("**Ask first:**").unwrap_or_else(|| {
            panic!("segment {} asks nothing", segment.number);
        });
        assert!(
            text[asked..].contains("```sh T"),
            "segment {} asks only after its last command",
            segment.number
        );
        let answers = text.split("<details>").skip(1);
        assert!(
            answers.clone().count() >= 1 && answers.clone().all(|a| a.contains("Note")),
            "segment {}: every answer is folded in <details> with a note for the teacher",
            segment.number
        );
    }
}

/// Every command block names its terminal for the test and for a reader, and no command hides
/// in a block the test cannot see.
#[test]
fn every_command_is_in_a_block_the_test_runs() {
    let sheet = read("docs/lab.md");
    let untagged = lab_sheet::untagged_commands(&sheet);
    assert!(untagged.is_empty(), "commands no test runs: {untagged:#?}");
    let blocks: Vec<_> = lab_sheet::segments(&sheet)
        .into_iter()
        .flat_map(|s| s.blocks)
        .collect();
    assert!(blocks.iter().filter(|b| b.kind == Kind::Commands).count() >= 20);
    for block in &blocks {
        assert!(lab_sheet::label_fits(block), "a block's label: {block:#?}");
    }
    let run: Vec<&String> = blocks
        .iter()
        .filter(|b| b.kind == Kind::Commands)
        .flat_map(|b| &b.lines)
        .collect();
    let prose = sheet
        .split("\n## What to leave out")
        .next()
        .unwrap_or_default();
    for quoted in prose.split('`').skip(1).step_by(2) {
        let command = quoted.starts_with("make ") || quoted.starts_with("nc ");
        assert!(
            !command || run.iter().any(|r| *r == quoted),
            "`{quoted}` is named in the sheet but never run in a block"
        );
    }
}

/// Two to four questions for the race lab and for each step, each with a checked answer.
#[test]
fn the_quizzes_ask_two_to_four_questions_per_part_each_checked() {
    let quizzes = read("docs/quizzes.md");
    let parts: Vec<&str> = quizzes.split("\n## ").skip(1).collect();
    let titles: Vec<&str> = parts
        .iter()
        .map(|p| p.lines().next().unwrap_or(""))
        .collect();
    for expected in ["The race lab", "Step 1", "Step 2", "Step 3", "Step 4"] {
        assert!(
            titles.iter().any(|t| t.starts_with(expected)),
            "no quiz part {expected:?} in {titles:?}"
        );
    }
    for part in parts {
        let questions: Vec<&str> = part.split("\n### ").skip(1).collect();
        assert!(
            (2..=4).contains(&questions.len()),
            "{:?}: {} questions",
            part.lines().next(),
            questions.len()
        );
        for question in questions {
            let checks = lab_sheet::checks(question);
            assert!(!checks.is_empty(), "an unchecked answer: {question}");
        }
    }
}

/// Every answer's outcome, in the sheet and in the quizzes, is the real one.
#[test]
fn every_answer_states_the_real_outcome() {
    let sheet = read("docs/lab.md");
    let mut checks = lab_sheet::checks(&sheet);
    checks.extend(lab_sheet::checks(&read("docs/quizzes.md")));
    assert!(checks.len() >= 30, "only {} checked answers", checks.len());
    let flaws = flaw_table(&read("docs/steps.md"));
    let mut wrong = Vec::new();
    for check in &checks {
        let stated = match check.kind.as_str() {
            "ui" => compiler_error(check),
            "flaw" => flaw(check, &flaws),
            "screen" => screen(check, &sheet),
            "test" => asserted(check),
            other => panic!("no such check: {other}"),
        };
        // A sentence may begin with the outcome: "It is dropped".
        if !check.answer.to_lowercase().contains(&stated.to_lowercase()) {
            wrong.push(format!("{stated:?} is not in: {}", check.answer));
        }
    }
    assert!(
        wrong.is_empty(),
        "answers that do not say their outcome: {wrong:#?}"
    );
}

/// `ui: FILE | LINE | CODE`: the kept error of `tests/ui/FILE.rs` is CODE, at LINE; the answer
/// must say `line LINE` (and the code, checked by the caller).
fn compiler_error(check: &Check) -> String {
    let [file, line, code] = fields(check);
    let stderr = read(&format!("tests/ui/{file}.stderr"));
    assert!(
        stderr.starts_with(&format!("error[{code}]")),
        "{file}: {stderr}"
    );
    assert!(
        stderr.contains(&format!("--> tests/ui/{file}.rs:{line}:")),
        "{file} fails elsewhere than line {line}: {stderr}"
    );
    assert!(
        check.answer.contains(&format!("line {line}")),
        "{}",
        check.answer
    );
    code.to_string()
}

/// `flaw: ROW | COLUMN | OUTCOME`: docs/steps.md's flaw table says so.
fn flaw(check: &Check, table: &[Vec<String>]) -> String {
    let [row, column, outcome] = fields(check);
    let header = &table[0];
    let at = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column:?} in {header:?}"));
    let cells = table
        .iter()
        .find(|cells| cells[0] == row)
        .unwrap_or_else(|| panic!("no row {row:?} in the flaw table"));
    assert_eq!(cells[at], outcome, "{row}, {column}");
    outcome.to_string()
}

/// `screen: SEGMENT | TERMINAL | LINE`: that line is on a screen of that segment and terminal,
/// which tests/lab.rs plays. The answer must quote the line (a pattern's longest piece).
fn screen(check: &Check, sheet: &str) -> String {
    let [segment, terminal, line] = fields(check);
    let segments = lab_sheet::segments(sheet);
    let found = segments
        .iter()
        .filter(|s| s.number.to_string() == segment)
        .flat_map(|s| &s.blocks)
        .filter(|b| b.kind == Kind::Screen && format!("T{}", b.terminal) == terminal)
        .any(|b| b.lines.iter().any(|l| l == line));
    assert!(found, "segment {segment}, {terminal} never shows {line:?}");
    let pieces = line.split("...").map(|p| p.trim().trim_end_matches(':'));
    pieces.max_by_key(|p| p.len()).unwrap_or(line).to_string()
}

/// `test: FILE | NAME | TEXT`: the test NAME in FILE asserts on TEXT.
fn asserted(check: &Check) -> String {
    let [file, name, text] = fields(check);
    let source = read(file);
    let body = source
        .split(&format!("fn {name}("))
        .nth(1)
        .unwrap_or_else(|| panic!("{file} has no test {name}"));
    let body = body.split("\n}\n").next().unwrap_or_default();
    assert!(
        body.contains(text),
        "{file}: {name} does not check {text:?}"
    );
    text.to_string()
}

fn fields(check: &Check) -> [&str; 3] {
    let fields: Vec<&str> = check.fields.iter().map(String::as_str).collect();
    fields
        .try_into()
        .unwrap_or_else(|_| panic!("a check has three fields: {check:?}"))
}

/// The flaw table's rows (the heading first), cell by cell.
fn flaw_table(steps: &str) -> Vec<Vec<String>> {
    let section = steps
        .split("## What each step does with each flaw")
        .nth(1)
        .expect("docs/steps.md has its flaw table");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| !l.starts_with("|---"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The checkers themselves notice what is wrong.
#[test]
fn the_checkers_notice_what_is_wrong() {
    assert!(lab_sheet::line_matches(
        "port ..., built",
        "port 4321, built"
    ));
    assert!(!lab_sheet::line_matches(
        "port ..., built",
        "port 4321, failed"
    ));
    assert!(lab_sheet::line_matches(
        "** Current users in chat: ... **",
        "** Current users in chat: A, B **"
    ));
    assert!(!lab_sheet::line_matches("[Omar]: hi", "[Omar]: hi!"));
    assert_eq!(
        lab_sheet::heading("## 3. One order of events (15 min)"),
        Some((3, "One order of events".to_string(), 15))
    );
    assert_eq!(lab_sheet::heading("## What to leave out"), None);
    let text = "**T2** (Sarah) shows:\n\n```text T2\n> Sarah\n```\n\n```sh\nmake x\n```\n";
    let blocks = lab_sheet::blocks(text);
    assert_eq!(blocks.len(), 1);
    assert!(lab_sheet::label_fits(&blocks[0]));
    assert_eq!(lab_sheet::untagged_commands(text), ["```sh"]);
    let table = flaw_table(
        "## What each step does with each flaw\n\n| flaw | step 1 |\n|---|---|\n| a | b |\n",
    );
    let check = |outcome: &str| Check {
        kind: "flaw".into(),
        fields: vec!["a".into(), "step 1".into(), outcome.into()],
        answer: String::new(),
    };
    assert_eq!(flaw(&check("b"), &table), "b");
    assert!(std::panic::catch_unwind(|| flaw(&check("c"), &table)).is_err());
}
