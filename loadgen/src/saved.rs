//! What loadgen saved, read back: the runs `--json` printed (one flat JSON object a line,
//! collected by `make bench`) and the curves `--latencies` appended, each file one record a line.
//!
//! It parses only what [`Report::to_json`](crate::report::Report::to_json) writes: one flat
//! object of strings, numbers and `null`. A dozen numbers a run do not need serde.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::str::Chars;

/// One saved run: JSON key to value, strings unquoted, `null` as absent.
pub type Run = BTreeMap<String, String>;

/// Reads a file of saved runs, skipping blank lines; an error names the line that is not a run.
pub fn read_runs(path: &str) -> Result<Vec<Run>, String> {
    read_lines(path, "--json", parse_object)
}

/// Reads a file that loadgen wrote with `option`, one record a line, skipping blank lines; an
/// error names the first line `parse` refuses.
pub fn read_lines<T>(
    path: &str,
    option: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            parse(line).ok_or_else(|| format!("{path}:{}: not a loadgen {option} line", n + 1))
        })
        .collect()
}

/// Parses one flat JSON object: string keys; string, number, `true`/`false` or `null` values.
pub fn parse_object(line: &str) -> Option<Run> {
    let mut chars = line.trim().chars().peekable();
    let mut run = Run::new();
    expect(&mut chars, '{')?;
    if skip_space(&mut chars) == Some('}') {
        return Some(run);
    }
    loop {
        skip_space(&mut chars);
        let key = string(&mut chars)?;
        skip_space(&mut chars);
        expect(&mut chars, ':')?;
        if let Some(value) = value(&mut chars)? {
            run.insert(key, value);
        }
        match skip_space(&mut chars)? {
            ',' => chars.next(),
            '}' => return Some(run),
            _ => return None,
        };
    }
}

fn skip_space(chars: &mut Peekable<Chars>) -> Option<char> {
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    chars.peek().copied()
}

fn expect(chars: &mut Peekable<Chars>, wanted: char) -> Option<()> {
    chars.next_if_eq(&wanted).map(drop)
}

/// A value: `Some(None)` for `null`, `None` for bad syntax.
fn value(chars: &mut Peekable<Chars>) -> Option<Option<String>> {
    if skip_space(chars)? == '"' {
        return string(chars).map(Some);
    }
    let mut raw = String::new();
    while let Some(c) = chars.next_if(|c| *c != ',' && *c != '}') {
        raw.push(c);
    }
    let raw = raw.trim();
    match raw {
        "" => None,
        "null" => Some(None),
        _ => Some(Some(raw.to_string())),
    }
}

fn string(chars: &mut Peekable<Chars>) -> Option<String> {
    expect(chars, '"')?;
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => out.push(escape(chars)?),
            c => out.push(c),
        }
    }
}

fn escape(chars: &mut Peekable<Chars>) -> Option<char> {
    Some(match chars.next()? {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'u' => {
            let hex: String = chars.by_ref().take(4).collect();
            char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
        }
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Options;
    use crate::report::Report;

    #[test]
    fn reads_back_what_a_report_writes() {
        let report = Report {
            scenario: Options {
                label: "burst".into(),
                server_name: "ours".into(),
                clients: 100,
                ..Options::default()
            },
            first_failure: Some("a \"quoted\"\nline".into()),
            deliveries_per_s: 1500.25,
            ..Report::default()
        };
        let run = parse_object(&report.to_json()).expect("our own JSON parses");
        assert_eq!(run["label"], "burst");
        assert_eq!(run["first_failure"], "a \"quoted\"\nline");
        assert_eq!(run["clients"], "100");
        assert_eq!(run["deliveries_per_s"], "1500.25");
        assert!(!run.contains_key("p99_ms"), "null is absent");
        assert_eq!(parse_object("{}"), Some(Run::new()));
        assert_eq!(parse_object("{\"a\":}"), None);
        assert_eq!(parse_object("not json"), None);
    }
}
