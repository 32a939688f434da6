//! The README's "From Go to Rust" table points students at files and items in the code. This test
//! fails when one of them is renamed or moved, so the lesson cannot rot silently.

use std::fs;
use std::path::Path;

const README: &str = include_str!("../README.md");

/// The kinds of item a row may name, as they are declared in Rust source.
const DECLARATIONS: [&str; 8] = [
    "fn", "struct", "enum", "const", "type", "trait", "mod", "static",
];

/// Every `path`: `item` named in the table's last column exists.
#[test]
fn every_file_and_item_in_the_go_to_rust_table_exists() {
    let rows = table_rows(section(README, "## From Go to Rust"));
    assert!(
        rows.len() >= 10,
        "the Go-to-Rust table has only {} rows",
        rows.len()
    );
    let mut checked = 0;
    for row in &rows {
        let place = row.rsplit('|').nth(1).expect("a table row has cells");
        for (path, items) in places(place) {
            let source = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path))
                .unwrap_or_else(|_| panic!("the README names {path}, which does not exist"));
            for item in items {
                for name in item.split("::") {
                    assert!(
                        declares(&source, name),
                        "{path} declares no `{name}` (from `{item}`)"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} items were named");
}

/// The text from `heading` to the next `## ` heading.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &text[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The table's body rows (not its header or the `|---|` line).
fn table_rows(section: &str) -> Vec<&str> {
    let lines: Vec<&str> = section.lines().filter(|l| l.starts_with('|')).collect();
    lines.into_iter().skip(2).collect()
}

/// Parses "`src/a.rs`: `x`, `Y::z`; `src/b.rs`: `w`" into paths and their items.
fn places(cell: &str) -> Vec<(String, Vec<String>)> {
    cell.split(';')
        .filter_map(|part| {
            let (path, items) = part.split_once(':')?;
            let path = path.trim().trim_matches('`');
            path.starts_with("src/")
                .then(|| (path.to_string(), backticked(items)))
        })
        .collect()
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// True if `source` declares `name` as a function, type, constant, module or static.
fn declares(source: &str, name: &str) -> bool {
    DECLARATIONS.iter().any(|keyword| {
        let needle = format!("{keyword} {name}");
        source.match_indices(&needle).any(|(at, _)| {
            let after = source[at + needle.len()..].chars().next();
            !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn the_checker_notices_a_missing_item() {
    assert!(declares("pub fn read_line(x)", "read_line"));
    assert!(declares("pub struct Room {", "Room"));
    assert!(!declares("pub fn read_lines(x)", "read_line"));
    assert_eq!(
        places("`src/a.rs`: `x`, `Y::z`; `src/b.rs`: `w`"),
        [
            (
                "src/a.rs".to_string(),
                vec!["x".to_string(), "Y::z".to_string()]
            ),
            ("src/b.rs".to_string(), vec!["w".to_string()])
        ]
    );
}
