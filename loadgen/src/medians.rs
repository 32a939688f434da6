//! Several runs of one scenario as one row: each number's median, and the spread of the two
//! numbers a reader compares first (deliveries/s and p99), so that a table of repeated runs
//! (`make bench-design`) shows both the typical run and how far the runs disagreed.
//!
//! Why medians: the machine is shared, and one run slowed by a neighbour moves a mean but not a
//! median. The median of an even count is the lower middle run's number, so that, like the
//! percentiles in [`crate::stats`], every number shown is one that was measured. Each column's
//! median is taken on its own, so one row's numbers may come from different runs (a row's
//! received and lost need not add up to its expected).

use crate::saved::Run;
use std::collections::BTreeSet;

/// The numbers whose spread is shown, under the key `<key>_range`.
pub const SPREAD_KEYS: [&str; 2] = ["deliveries_per_s", "p99_ms"];

/// One row per scenario (`label`), in the order scenarios first appear. A scenario run once keeps
/// its row as it was; each row gets `runs`, its number of runs.
pub fn medians(runs: &[Run]) -> Vec<Run> {
    let mut labels: Vec<&str> = Vec::new();
    for run in runs {
        let label = run.get("label").map_or("", String::as_str);
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
        .into_iter()
        .map(|label| {
            let same: Vec<&Run> = runs
                .iter()
                .filter(|r| r.get("label").map_or("", String::as_str) == label)
                .collect();
            median_row(&same)
        })
        .collect()
}

/// The median row of one scenario's runs (at least one).
fn median_row(runs: &[&Run]) -> Run {
    let mut row = Run::new();
    row.insert("runs".into(), runs.len().to_string());
    let keys: BTreeSet<&String> = runs.iter().flat_map(|r| r.keys()).collect();
    for key in keys {
        let numbers = numbers(runs, key);
        let value = if numbers.len() == runs.len() {
            format!("{}", numbers[(numbers.len() - 1) / 2])
        } else {
            // Words (a status), or a number only some runs measured: each distinct value once.
            distinct(runs, key).join("; ")
        };
        row.insert(key.clone(), value);
    }
    for key in SPREAD_KEYS {
        if let [low, .., high] = numbers(runs, key)[..] {
            let range = format!("{}-{}", short(low), short(high));
            row.insert(format!("{key}_range"), range);
        }
    }
    row
}

/// The runs' values of `key` that are numbers, sorted.
fn numbers(runs: &[&Run], key: &str) -> Vec<f64> {
    let mut numbers: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.get(key)?.parse().ok())
        .collect();
    numbers.sort_by(f64::total_cmp);
    numbers
}

/// Each distinct value of `key` once, `-` for a run without one, in the runs' order.
fn distinct(runs: &[&Run], key: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for run in runs {
        let value = run.get(key).cloned().unwrap_or_else(|| "-".into());
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

/// A number for a range: millions and thousands shortened, small numbers to two decimals.
fn short(x: f64) -> String {
    match x.abs() {
        m if m >= 1e6 => format!("{:.2}M", x / 1e6),
        k if k >= 1e4 => format!("{:.0}k", x / 1e3),
        h if h >= 100.0 => format!("{x:.0}"),
        _ => format!("{x:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saved::parse_object;

    fn run(line: &str) -> Run {
        parse_object(line).expect("a valid run")
    }

    #[test]
    fn three_runs_become_their_median_and_spread() {
        let runs = [
            run(r#"{"label":"burst","deliveries_per_s":3000000,"p99_ms":400,"status":"ok"}"#),
            run(r#"{"label":"classroom","deliveries_per_s":49000,"p99_ms":2,"status":"ok"}"#),
            run(r#"{"label":"burst","deliveries_per_s":5000000,"p99_ms":300,"status":"ok"}"#),
            run(r#"{"label":"burst","deliveries_per_s":4000000,"p99_ms":500,"status":"ok"}"#),
        ];
        let rows = medians(&runs);
        assert_eq!(rows.len(), 2);
        let burst = &rows[0];
        assert_eq!(burst["label"], "burst");
        assert_eq!(burst["runs"], "3");
        assert_eq!(burst["deliveries_per_s"], "4000000");
        assert_eq!(burst["p99_ms"], "400");
        assert_eq!(burst["deliveries_per_s_range"], "3.00M-5.00M");
        assert_eq!(burst["p99_ms_range"], "300-500");
        assert_eq!(burst["status"], "ok");
        assert_eq!(rows[1]["runs"], "1");
        assert!(
            !rows[1].contains_key("p99_ms_range"),
            "one run has no spread"
        );
    }

    #[test]
    fn an_even_count_takes_the_lower_middle_run() {
        let runs = [
            run(r#"{"label":"a","p99_ms":1}"#),
            run(r#"{"label":"a","p99_ms":4}"#),
            run(r#"{"label":"a","p99_ms":2}"#),
            run(r#"{"label":"a","p99_ms":3}"#),
        ];
        assert_eq!(medians(&runs)[0]["p99_ms"], "2");
    }

    #[test]
    fn runs_that_disagree_in_words_say_so() {
        let runs = [
            run(r#"{"label":"stall","status":"ok","p99_ms":5}"#),
            run(r#"{"label":"stall","status":"timed out in phase drain"}"#),
        ];
        let row = &medians(&runs)[0];
        assert_eq!(row["status"], "ok; timed out in phase drain");
        assert_eq!(row["p99_ms"], "5; -", "measured in one run of two");
    }
}
