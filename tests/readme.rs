//! The README and the course chapters in `docs/` point students at files, items and each other.
//! These tests fail when one of them is renamed or moved, so the lesson cannot rot silently, and
//! when an option table drifts from what `--help` says.

#[path = "common/options_table.rs"]
mod options_table;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The kinds of item a document may name, as they are declared in Rust source.
const DECLARATIONS: [&str; 8] = [
    "fn", "struct", "enum", "const", "type", "trait", "mod", "static",
];

/// The chapters the README promises, in the course's order: each must exist and be linked from
/// it, first in this order.
const CHAPTERS: [&str; 13] = [
    "docs/lab.md",
    "docs/quizzes.md",
    "docs/design.md",
    "docs/life-of-a-message.md",
    "docs/steps.md",
    "docs/go-to-rust.md",
    "docs/threads-and-tasks.md",
    "docs/races.md",
    "docs/exercises.md",
    "docs/protocol.md",
    "docs/client.md",
    "docs/performance.md",
    "docs/tests.md",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|_| panic!("{path} does not exist"))
}

/// The README and every chapter, as (path, text).
fn documents() -> Vec<(String, String)> {
    let mut paths = vec!["README.md".to_string()];
    paths.extend(CHAPTERS.iter().map(|c| c.to_string()));
    paths.into_iter().map(|p| (p.clone(), read(&p))).collect()
}

#[test]
fn the_readme_links_every_chapter() {
    let readme = read("README.md");
    let mut last = 0;
    for chapter in CHAPTERS {
        let at = readme
            .find(&format!("]({chapter})"))
            .unwrap_or_else(|| panic!("README does not link {chapter}"));
        assert!(
            at > last,
            "README links {chapter} out of the course's order"
        );
        last = at;
    }
    assert!(
        readme.lines().count() < 200,
        "README.md is the front door; the course goes in docs/"
    );
}

/// Every `path`: `item` named in the Go-to-Rust table's last column exists.
#[test]
fn every_file_and_item_in_the_go_to_rust_table_exists() {
    let chapter = read("docs/go-to-rust.md");
    let rows = table_rows(&chapter);
    assert!(
        rows.len() >= 10,
        "the Go-to-Rust table has only {} rows",
        rows.len()
    );
    let mut checked = 0;
    for row in &rows {
        let place = row.rsplit('|').nth(1).expect("a table row has cells");
        for (path, items) in places(place) {
            let source = read(&path);
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

/// Every `go/file.go:LINE` in the Go-to-Rust table's second column still holds one of the Go
/// constructs its row quotes, so the table follows the Go original when it changes.
#[test]
fn every_go_line_in_the_go_to_rust_table_says_what_the_row_quotes() {
    let chapter = read("docs/go-to-rust.md");
    let mut checked = 0;
    for row in table_rows(&chapter) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let quoted: Vec<String> = backticked(cells[0]).iter().map(|q| squeeze(q)).collect();
        for place in backticked(cells[1]) {
            let (path, line) = place.split_once(':').expect("a Go place is FILE:LINE");
            let number: usize = line.parse().expect("a line number");
            let source = read(path);
            let text = source.lines().nth(number - 1).unwrap_or_default();
            assert!(
                quoted.iter().any(|q| squeeze(text).contains(q.as_str())),
                "{place} reads {text:?}, which holds none of {quoted:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} Go lines were checked");
}

/// Every snippet the Go-to-Rust table's third column quotes occurs, as written, in one of the
/// files its last column names (the mirror's or ours), so a quote cannot outlive the code.
#[test]
fn every_rust_snippet_in_the_go_to_rust_table_occurs_where_it_points() {
    let chapter = read("docs/go-to-rust.md");
    let mut checked = 0;
    for row in table_rows(&chapter) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let sources: Vec<(String, String)> = places(cells[3])
            .into_iter()
            .map(|(path, _)| (squeeze(&read(&path)), path))
            .collect();
        for snippet in backticked(cells[2]) {
            let snippet = squeeze(&snippet.replace("\\|", "|"));
            assert!(
                quoted_in(&snippet, &sources),
                "`{snippet}` is in none of {:?}",
                sources.iter().map(|(_, path)| path).collect::<Vec<_>>()
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} Rust snippets were checked");
}

/// True if one of the `(text, path)` sources contains `snippet`.
fn quoted_in(snippet: &str, sources: &[(String, String)]) -> bool {
    sources.iter().any(|(text, _)| text.contains(snippet))
}

/// The text with every run of white space made one space (gofmt aligns with several).
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every file a document names in backticks (`src/room.rs`, `tests/chat.rs`, `loadgen/`) and
/// every relative link it makes exists.
#[test]
fn every_path_and_link_in_the_documents_exists() {
    let mut checked = 0;
    for (document, text) in documents() {
        let folder = Path::new(&document).parent().unwrap_or(Path::new(""));
        for named in backticked(&text)
            .into_iter()
            .filter(|t| looks_like_a_path(t))
        {
            // `go/server/server.go:67` names a line of a file; the line is checked above.
            let path = named.split(':').next().unwrap_or_default();
            assert!(
                root().join(path).exists(),
                "{document} names {path}, which does not exist"
            );
            checked += 1;
        }
        for link in links(&text) {
            let target: PathBuf = folder.join(link.split('#').next().unwrap_or_default());
            assert!(
                root().join(&target).exists(),
                "{document} links {link}, which does not exist"
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} paths and links were checked");
}

/// Every `module::item` (`session::chat`) and `Type::item` (`Room::claim`) a document names is
/// declared where it says.
#[test]
fn every_module_and_type_item_in_the_documents_exists() {
    let sources: Vec<(PathBuf, String)> = rust_files(&root().join("src"))
        .into_iter()
        .map(|p| (p.clone(), fs::read_to_string(&p).expect("a source file")))
        .collect();
    let mut checked = 0;
    for (document, text) in documents() {
        for named in backticked(&text) {
            let Some((owner, item)) = named.split_once("::") else {
                continue;
            };
            if !is_identifier(owner)
                || !is_identifier(item)
                || owner == "std"
                || owner == "crossbeam_channel"
            {
                continue;
            }
            let owners: Vec<&String> = sources
                .iter()
                .filter(
                    |(path, source)| match owner.starts_with(char::is_uppercase) {
                        true => declares(source, owner),
                        false => {
                            path.file_stem().is_some_and(|s| s == owner)
                                || path.ends_with(format!("{owner}/mod.rs"))
                        }
                    },
                )
                .map(|(_, source)| source)
                .collect();
            if owners.is_empty() {
                continue; // A crate's or the standard library's (`thread::Builder`), not ours.
            }
            assert!(
                owners
                    .iter()
                    .any(|source| declares(source, item) || has_variant(source, item)),
                "{document} names `{named}`, which is not declared"
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} items were checked");
}

#[test]
fn the_server_option_table_matches_its_help() {
    let rows = options_table::table_rows(&read("README.md"), "## Server options");
    options_table::assert_table_matches_help(&rows, &help(env!("CARGO_BIN_EXE_server")));
}

#[test]
fn the_client_option_table_matches_its_help() {
    let rows = options_table::table_rows(&read("README.md"), "## The terminal client");
    options_table::assert_table_matches_help(&rows, &help(env!("CARGO_BIN_EXE_client")));
}

fn help(program: &str) -> String {
    let output = Command::new(program)
        .arg("--help")
        .output()
        .expect("--help runs");
    String::from_utf8(output.stdout).expect("--help is UTF-8")
}

/// The table's body rows (not its header or the `|---|` line).
fn table_rows(section: &str) -> Vec<&str> {
    let lines: Vec<&str> = section.lines().filter(|l| l.starts_with('|')).collect();
    lines.into_iter().skip(2).collect()
}

/// Parses "`src/a.rs`: `x`, `Y::z`; `src/b.rs`: `w`" into paths and their items (in `src/` and
/// the steps, `steps/`).
fn places(cell: &str) -> Vec<(String, Vec<String>)> {
    cell.split(';')
        .filter_map(|part| {
            let (path, items) = part.split_once(':')?;
            let path = path.trim().trim_matches('`');
            (path.starts_with("src/") || path.starts_with("steps/"))
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

/// A repository path: starts with one of the project's folders, and has no spaces or wildcards.
fn looks_like_a_path(text: &str) -> bool {
    ["src/", "tests/", "docs/", "loadgen/", "go/", ".ci/"]
        .iter()
        .any(|folder| text.starts_with(folder))
        && !text.contains([' ', '*', '<', '$'])
}

/// The targets of the relative Markdown links `[text](target)`.
fn links(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target.to_string()))
        .filter(|target| !target.contains("://") && !target.starts_with('#'))
        .collect()
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
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

/// True if a line of `source` starts with `name` as an enum variant does (`Said {`, `Left(`).
fn has_variant(source: &str, name: &str) -> bool {
    source.lines().any(|line| {
        line.trim_start()
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with([' ', '(', '{', ',']))
    })
}

#[test]
fn the_checkers_notice_what_is_missing() {
    assert!(declares("pub fn read_line(x)", "read_line"));
    assert!(declares("pub struct Room {", "Room"));
    assert!(!declares("pub fn read_lines(x)", "read_line"));
    assert!(has_variant("enum E {\n    Said {\n", "Said"));
    assert!(!has_variant("enum E {\n    Saying {\n", "Said"));
    assert!(looks_like_a_path("src/room.rs") && !looks_like_a_path("src/*.rs"));
    assert_eq!(
        links("see [a](docs/a.md) and [b](https://x.org)"),
        ["docs/a.md"]
    );
    let stale = squeeze("a stale quote");
    let source = (
        squeeze("fn run() {\n    events.recv()\n}"),
        "src/b.rs".to_string(),
    );
    assert!(quoted_in(
        &squeeze("events.recv()"),
        std::slice::from_ref(&source)
    ));
    assert!(!quoted_in(&stale, &[source]));
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
