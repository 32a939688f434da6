//! One run's results, and the two ways loadgen prints them: a table for a person, and one flat
//! JSON object (written by hand: a dozen numbers do not need serde) for `make bench` to collect.
//!
//! The JSON's keys are also the columns of the comparison table ([`crate::table`]), so
//! what a benchmark records and what it shows cannot drift apart.

use crate::args::Options;
use crate::attack_tally::AttackTally;
use crate::curve::Curve;
use crate::stats::Latency;
use std::fmt::Write;
use std::time::Duration;

/// Everything a run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The scenario as it was asked for.
    pub scenario: Options,
    /// `ok`, or which phase ran out of time or failed, and how far it got.
    pub status: String,
    pub failures: usize,
    pub first_failure: Option<String>,
    /// Until every client had its user list.
    pub connect: Option<Duration>,
    /// Until every client had seen every join.
    pub join: Option<Duration>,
    pub sent: u64,
    pub expected: u64,
    pub received: u64,
    pub lost: u64,
    /// From the start signal to the last delivery anywhere.
    pub window: Duration,
    pub deliveries_per_s: f64,
    pub latency: Option<Latency>,
    /// The share of the expected deliveries that arrived within [`crate::stats::ON_TIME`]
    /// (the missing count as late); `None` when none were expected.
    pub on_time: Option<f64>,
    /// The most `left the chat` notices one client saw: stalled clients the server dropped.
    pub dropped: u64,
    /// What the `--trickle` and `--churn` attackers counted, when there were any.
    pub attack: Option<AttackTally>,
    pub server: Option<ServerUse>,
    /// The latency distribution, for `--latencies`; `None` when nothing was delivered.
    pub curve: Option<Curve>,
}

/// What the server process used, when loadgen was given its PID.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerUse {
    pub peak_rss_kib: u64,
    pub peak_threads: u64,
    /// How long after the run the server took to close every connection; `None` if it had not
    /// within the timeout.
    pub teardown: Option<Duration>,
    pub rss_before_kib: Option<u64>,
    /// After the teardown and `--quiet` seconds more; `None` without `--quiet`.
    pub rss_quiet_kib: Option<u64>,
}

impl Report {
    /// The flat JSON object: strings, numbers and `null` only.
    pub fn to_json(&self) -> String {
        let mut fields: Vec<(&str, String)> = vec![
            ("label", quote(&self.scenario.label)),
            ("server", quote(&self.scenario.server_name)),
            ("addr", quote(&self.scenario.addr)),
            ("status", quote(&self.status)),
            (
                "first_failure",
                self.first_failure.as_deref().map_or(null(), quote),
            ),
        ];
        fields.extend(self.numbers().into_iter().map(|(key, value)| {
            let value = value.map_or(null(), |v| format!("{}", round(v)));
            (key, value)
        }));
        let body: Vec<String> = fields
            .into_iter()
            .map(|(key, value)| format!("\"{key}\":{value}"))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    /// Every numeric result under its JSON key; `None` for what this run could not measure.
    pub fn numbers(&self) -> Vec<(&'static str, Option<f64>)> {
        let secs = |d: Option<Duration>| d.map(|d| d.as_secs_f64());
        let ms =
            |pick: fn(&Latency) -> Duration| self.latency.map(|l| pick(&l).as_secs_f64() * 1000.0);
        let server = |pick: fn(&ServerUse) -> Option<f64>| self.server.and_then(|s| pick(&s));
        let members = (self.scenario.clients + self.scenario.stalled) as f64;
        let mut numbers = vec![
            ("clients", Some(self.scenario.clients as f64)),
            ("senders", Some(self.scenario.senders as f64)),
            ("messages", Some(self.scenario.messages as f64)),
            ("rate", self.scenario.rate),
            ("stalled", Some(self.scenario.stalled as f64)),
            ("size", Some(self.scenario.size as f64)),
            ("pause_s", self.scenario.pause.map(|d| d.as_secs_f64())),
            ("failures", Some(self.failures as f64)),
            ("connect_s", secs(self.connect)),
            ("join_s", secs(self.join)),
            ("sent", Some(self.sent as f64)),
            ("expected", Some(self.expected as f64)),
            ("received", Some(self.received as f64)),
            ("lost", Some(self.lost as f64)),
            ("window_s", Some(self.window.as_secs_f64())),
            ("deliveries_per_s", Some(self.deliveries_per_s)),
            ("p50_ms", ms(|l| l.p50)),
            ("p99_ms", ms(|l| l.p99)),
            ("p999_ms", ms(|l| l.p999)),
            ("max_ms", ms(|l| l.max)),
            ("on_time_1s", self.on_time),
            ("dropped", Some(self.dropped as f64)),
            ("rss_mib", server(|s| Some(s.peak_rss_kib as f64 / 1024.0))),
            (
                "rss_kib_per_client",
                self.server.map(|s| s.peak_rss_kib as f64 / members),
            ),
            ("threads", server(|s| Some(s.peak_threads as f64))),
            (
                "teardown_s",
                server(|s| s.teardown.map(|d| d.as_secs_f64())),
            ),
            ("rss_before_mib", server(|s| mib(s.rss_before_kib))),
            ("rss_quiet_mib", server(|s| mib(s.rss_quiet_kib))),
        ];
        numbers.extend(self.attack.unwrap_or_default().numbers());
        numbers
    }

    /// The table a person reads after one run.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let rate = self
            .scenario
            .rate
            .map_or("as fast as possible".into(), |r| {
                match self.scenario.lockstep {
                    true => format!("at {r}/s each, in lockstep"),
                    false => format!("at {r}/s each, starts spread over 1/{r} s"),
                }
            });
        let pause = self.scenario.pause.map_or(String::new(), |d| {
            format!(", readers pause {:.3} s once", d.as_secs_f64())
        });
        let _ = writeln!(
            out,
            "loadgen {} against {} ({}): {} clients + {} stalled, {} senders x {} messages {rate}{pause}",
            self.scenario.label,
            self.scenario.server_name,
            self.scenario.addr,
            self.scenario.clients,
            self.scenario.stalled,
            self.scenario.senders,
            self.scenario.messages
        );
        for (name, value) in self.rows() {
            let _ = writeln!(out, "  {name:<26} {value}");
        }
        out
    }

    fn rows(&self) -> Vec<(&'static str, String)> {
        let secs =
            |d: Option<Duration>| d.map_or("-".into(), |d| format!("{:.3} s", d.as_secs_f64()));
        let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
        let mut rows = vec![
            ("status", self.status.clone()),
            ("connect (all joined)", secs(self.connect)),
            ("join (all joins seen)", secs(self.join)),
            ("messages sent", self.sent.to_string()),
            ("deliveries expected", self.expected.to_string()),
            ("deliveries received", self.received.to_string()),
            ("lost", self.lost.to_string()),
            (
                "deliveries/s",
                format!(
                    "{:.0} (over {:.3} s)",
                    self.deliveries_per_s,
                    self.window.as_secs_f64()
                ),
            ),
        ];
        if let Some(l) = self.latency {
            let text = format!(
                "{} / {} / {} / {} ms",
                ms(l.p50),
                ms(l.p99),
                ms(l.p999),
                ms(l.max)
            );
            rows.push(("latency p50/p99/p99.9/max", text));
        }
        if let Some(share) = self.on_time {
            rows.push(("delivered within 1 s", format!("{:.1}%", share * 100.0)));
        }
        rows.extend(self.attack.iter().flat_map(AttackTally::rows));
        if self.scenario.stalled > 0 {
            rows.push((
                "stalled dropped",
                format!("{} of {}", self.dropped, self.scenario.stalled),
            ));
        }
        if let Some(s) = self.server {
            let members = (self.scenario.clients + self.scenario.stalled) as f64;
            let rss = format!(
                "{:.1} MiB ({:.1} KiB per client)",
                s.peak_rss_kib as f64 / 1024.0,
                s.peak_rss_kib as f64 / members
            );
            rows.push(("server peak RSS", rss));
            rows.push(("server peak threads", s.peak_threads.to_string()));
            rows.push(("server teardown", secs(s.teardown)));
            let mib = |kib| mib(kib).map_or("-".into(), |m| format!("{m:.1} MiB"));
            rows.push(("server RSS before", mib(s.rss_before_kib)));
            if self.scenario.attack.quiet.is_some() {
                rows.push(("server RSS after quiet", mib(s.rss_quiet_kib)));
            }
        }
        if let Some(first) = &self.first_failure {
            rows.push(("failures", format!("{} (first: {first})", self.failures)));
        }
        rows
    }
}

/// KiB as MiB, for what may not have been measured.
fn mib(kib: Option<u64>) -> Option<f64> {
    kib.map(|kib| kib as f64 / 1024.0)
}

/// Three decimals are more than any of these measurements can resolve.
fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn null() -> String {
    "null".to_string()
}

/// A JSON string, escaping what JSON requires.
pub fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_one_flat_object_with_nulls_for_the_unmeasured() {
        let report = Report {
            scenario: Options {
                label: "tiny".into(),
                clients: 4,
                ..Options::default()
            },
            status: "timed out in phase join".into(),
            first_failure: Some("said \"no\"\n".into()),
            expected: 120,
            deliveries_per_s: 1234.56789,
            ..Report::default()
        };
        let json = report.to_json();
        assert!(
            json.starts_with("{\"label\":\"tiny\",\"server\":\"\""),
            "{json}"
        );
        assert!(
            json.contains("\"first_failure\":\"said \\\"no\\\"\\u000a\""),
            "{json}"
        );
        assert!(json.contains("\"clients\":4,"), "{json}");
        assert!(json.contains("\"deliveries_per_s\":1234.568,"), "{json}");
        assert!(json.contains("\"p99_ms\":null,"), "{json}");
        assert!(json.contains("\"teardown_s\":null,"), "{json}");
        assert!(json.contains("\"on_time_1s\":null,"), "{json}");
        assert!(json.ends_with("\"churn_pasted\":0}"), "{json}");
    }

    #[test]
    fn the_table_names_every_measurement() {
        let table = Report::default().to_table();
        for name in ["status", "connect", "lost", "deliveries/s"] {
            assert!(table.contains(name), "{table}");
        }
    }
}
