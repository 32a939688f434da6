//! The benchmark table: runs saved with `--json` (one object per line, read back by
//! [`crate::saved`]) shown side by side, and, given a second file, each scenario's rows from both
//! files with their ratio.
//!
//! This is how `make bench-go` puts our server and the Go original in one table: each server's
//! runs go to their own file, and this module shows them together.

use crate::medians::medians;
use crate::saved::Run;
use std::fmt::Write;

/// A column: its header, the JSON key, and whether a ratio of two servers means anything.
const COLUMNS: &[(&str, &str, bool)] = &[
    ("scenario", "label", false),
    ("server", "server", false),
    ("clients", "clients", false),
    ("connect s", "connect_s", true),
    ("join s", "join_s", true),
    ("sent", "sent", false),
    ("expected", "expected", false),
    ("received", "received", false),
    ("lost", "lost", false),
    ("deliv/s", "deliveries_per_s", true),
    ("p50 ms", "p50_ms", true),
    ("p99 ms", "p99_ms", true),
    ("p99.9 ms", "p999_ms", true),
    ("max ms", "max_ms", true),
    ("RSS MiB", "rss_mib", true),
    ("KiB/client", "rss_kib_per_client", true),
    ("threads", "threads", true),
    ("dropped", "dropped", false),
    ("status", "status", false),
];

/// Columns shown when a scenario ran more than once: how often, and how far the runs spread.
const SPREAD_COLUMNS: &[(&str, &str, bool)] = &[
    ("runs", "runs", false),
    ("deliv/s range", "deliveries_per_s_range", false),
    ("p99 range", "p99_ms_range", false),
];

/// Columns shown when a run had attackers (`--trickle`, `--churn`): what share of the healthy
/// deliveries came within 1 s, what the attackers counted, and the server's memory after the
/// quiet pause.
const ATTACK_COLUMNS: &[(&str, &str, bool)] = &[
    ("<=1 s", "on_time_1s", true),
    ("trickle", "trickle", false),
    ("reconnects", "attack_reconnects", false),
    ("att. dropped", "attack_drops", false),
    ("refused", "attack_refused", false),
    ("churn", "churn", false),
    ("RSS before", "rss_before_mib", true),
    ("RSS quiet", "rss_quiet_mib", true),
];

/// The keys that say a run had attackers.
const ATTACK_KEYS: [&str; 2] = ["trickle", "churn"];

fn positive(run: &Run, key: &str) -> bool {
    run.get(key)
        .and_then(|v| v.parse::<f64>().ok())
        .is_some_and(|x| x > 0.0)
}

/// The table for one file's runs, or two files' runs paired by scenario with a ratio row. A
/// scenario run several times is one row of medians ([`medians`]), with its spread.
pub fn render(first: &[Run], second: Option<&[Run]>) -> String {
    let first = medians(first);
    let second = second.map(medians);
    let all = || first.iter().chain(second.iter().flatten());
    let repeated = all().any(|run| run.get("runs").is_some_and(|n| n != "1"));
    let attacked = all().any(|run| ATTACK_KEYS.iter().any(|key| positive(run, key)));
    // Status last: it is the one column that can be long.
    let (status, measures) = COLUMNS.split_last().expect("the table has columns");
    let mut columns: Vec<(&str, &str, bool)> = measures.to_vec();
    if repeated {
        columns.extend(SPREAD_COLUMNS);
    }
    if attacked {
        columns.extend(ATTACK_COLUMNS);
    }
    columns.push(*status);
    let mut rows: Vec<Vec<String>> = vec![columns.iter().map(|c| c.0.to_string()).collect()];
    for run in &first {
        rows.push(cells(&columns, run));
        let label = run.get("label");
        let Some(other) = second
            .as_ref()
            .and_then(|runs| runs.iter().find(|r| r.get("label") == label))
        else {
            continue;
        };
        rows.push(cells(&columns, other));
        rows.push(ratio_cells(&columns, run, other));
    }
    align(&rows)
}

fn cells(columns: &[(&str, &str, bool)], run: &Run) -> Vec<String> {
    columns
        .iter()
        .map(|(_, key, _)| run.get(*key).map_or("-".into(), |v| tidy(v)))
        .collect()
}

/// `second / first` for each column where a ratio means something.
fn ratio_cells(columns: &[(&str, &str, bool)], first: &Run, second: &Run) -> Vec<String> {
    let number = |run: &Run, key: &str| run.get(key).and_then(|v| v.parse::<f64>().ok());
    columns
        .iter()
        .enumerate()
        .map(|(i, (_, key, ratio))| match (i, ratio) {
            (0, _) => String::new(),
            (1, _) => "ratio".into(),
            (_, false) => String::new(),
            (_, true) => match (number(first, key), number(second, key)) {
                (Some(a), Some(b)) if a > 0.0 => format!("{:.2}x", b / a),
                _ => "-".into(),
            },
        })
        .collect()
}

/// Numbers with at most two decimals, so columns stay narrow.
fn tidy(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Ok(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Ok(x) => format!("{x:.2}"),
        Err(_) => value.to_string(),
    }
}

fn align(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saved::parse_object;

    #[test]
    fn pairs_two_servers_with_a_ratio() {
        let ours = parse_object(r#"{"label":"burst","server":"ours","join_s":0.5,"lost":0}"#);
        let go = parse_object(r#"{"label":"burst","server":"go","join_s":2,"lost":7}"#);
        let table = render(&[ours.expect("valid")], Some(&[go.expect("valid")]));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[0].starts_with("scenario  server  clients  connect s  join s"));
        assert!(lines[1].contains("ours") && lines[2].contains("go"));
        assert!(
            lines[3].contains("ratio") && lines[3].contains("4.00x"),
            "{table}"
        );
        assert!(
            !lines[0].contains("<=1 s"),
            "no attack, no attack columns: {table}"
        );
    }

    #[test]
    fn an_attacked_run_shows_the_attack_columns() {
        let quiet = parse_object(r#"{"label":"burst","trickle":0,"status":"ok"}"#);
        let attacked = parse_object(
            r#"{"label":"trickle","trickle":48,"on_time_1s":0.05,"attack_reconnects":5,"status":"ok"}"#,
        );
        let table = render(&[quiet.expect("valid"), attacked.expect("valid")], None);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].contains("<=1 s  trickle  reconnects"), "{table}");
        assert!(lines[0].ends_with("status"), "{table}");
        assert!(
            lines[2].contains("0.05") && lines[2].contains("48"),
            "{table}"
        );
    }
}
