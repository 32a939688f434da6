//! Compares a command's option table in the documentation with what its `--help` says, so the two
//! cannot drift apart: the same options, the same defaults, the same ranges.
//!
//! Shared by `tests/readme.rs` (server, client) and `loadgen/tests/loadgen.rs` (through `#[path]`).

/// One option as `--help` describes it.
#[derive(Debug, PartialEq)]
pub struct HelpOption {
    pub name: String,
    pub help: String,
    pub default: Option<String>,
}

/// One row of a documentation table: | `--name VALUE` | default | range | text |.
#[derive(Debug, PartialEq)]
pub struct TableRow {
    pub name: String,
    pub default: Option<String>,
    pub range: Option<String>,
}

/// The options in clap's `--help` (with `next_line_help`: the option's line, then its help on the
/// next), leaving out `--help` and `--version`.
pub fn help_options(help: &str) -> Vec<HelpOption> {
    let lines: Vec<&str> = help.lines().collect();
    let mut options = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if !line.starts_with("  ") || !trimmed.starts_with('-') {
            continue;
        }
        let Some(name) = trimmed.split_whitespace().find(|w| w.starts_with("--")) else {
            continue;
        };
        let name = name.trim_end_matches(',').to_string();
        if name == "--help" || name == "--version" {
            continue;
        }
        let help = lines.get(at + 1).map_or("", |l| l.trim()).to_string();
        let default = help
            .split_once("[default: ")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(value, _)| value.to_string());
        options.push(HelpOption {
            name,
            help,
            default,
        });
    }
    options
}

/// The body rows of the first table after `heading` in `markdown`.
pub fn table_rows(markdown: &str, heading: &str) -> Vec<TableRow> {
    let start = markdown
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in the document"));
    let rest = &markdown[start..];
    let table: Vec<&str> = rest
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .collect();
    table
        .iter()
        .map(|row| {
            // `\|` is a `|` inside a cell (`auto\|always\|never`), not a border.
            let row = row.replace("\\|", "/");
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            let cell = |n: usize| {
                let text = cells.get(n).copied().unwrap_or("").trim_matches('`');
                (!text.is_empty()).then(|| text.to_string())
            };
            let name = cells[0]
                .trim_matches('`')
                .split_whitespace()
                .next()
                .unwrap_or("");
            TableRow {
                name: name.to_string(),
                default: cell(1),
                range: cell(2),
            }
        })
        .collect()
}

/// Panics, naming the option, where the table and `--help` disagree.
pub fn assert_table_matches_help(rows: &[TableRow], help: &str) {
    let options = help_options(help);
    let names = |list: Vec<&String>| list.into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(rows.iter().map(|r| &r.name).collect()),
        names(options.iter().map(|o| &o.name).collect()),
        "the table's options and --help's differ"
    );
    for (row, option) in rows.iter().zip(&options) {
        assert_eq!(row.default, option.default, "default of {}", row.name);
        if let Some(range) = &row.range {
            assert!(
                option.help.contains(&format!("({range})")),
                "{}: --help says {:?}, the table's range is {range:?}",
                row.name,
                option.help
            );
        }
        if let Some((_, inside)) = option.help.split_once('(')
            && inside.split(')').next().is_some_and(|r| {
                r.contains(" to ") || r.starts_with("at least") || r.starts_with("above")
            })
        {
            assert!(
                row.range.is_some(),
                "{}: --help names a range the table has not",
                row.name
            );
        }
    }
}
