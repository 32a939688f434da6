//! A run's latency distribution, kept as a curve for the picture in docs/performance.md: the
//! latency within which each thousandth of the deliveries arrived.
//!
//! Why a curve and not the samples: a burst run has two million deliveries (16 MB of samples),
//! while a thousand points draw the same picture and fit on one line of a text file, one run
//! per line (`--latencies FILE` appends), so several runs of several servers collect in one
//! file for [`crate::plot`] to draw. The points are nearest-rank percentiles, like the table's.

use crate::stats::percentile;

/// Points per curve: one per thousandth of the deliveries, so the last point is the maximum and
/// the 990th is the table's p99.
pub const POINTS: usize = 1000;

/// One run's latency distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The scenario (`--label`): runs of one scenario share a panel of the picture.
    pub label: String,
    /// The server (`--server-name`): one colour per server.
    pub server: String,
    /// `ms[i]`: the latency in milliseconds within which `(i + 1) / POINTS` of the deliveries
    /// arrived.
    pub ms: Vec<f64>,
}

impl Curve {
    /// The curve of latencies in nanoseconds, in any order; `None` when there are none.
    pub fn from_nanos(label: &str, server: &str, mut nanos: Vec<u64>) -> Option<Curve> {
        nanos.sort_unstable();
        let ms = (1..=POINTS)
            .map(|permille| percentile(&nanos, permille).map(|ns| ns as f64 / 1e6))
            .collect::<Option<Vec<f64>>>()?;
        Some(Curve {
            label: label.to_string(),
            server: server.to_string(),
            ms,
        })
    }

    /// The share of deliveries (0 to 1] each point stands for, beside its latency.
    pub fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let total = self.ms.len() as f64;
        self.ms
            .iter()
            .enumerate()
            .map(move |(i, ms)| (*ms, (i + 1) as f64 / total))
    }

    /// One line: label, server and the latencies, separated by tabs and spaces. Labels and
    /// server names are single words in `make bench`; a tab in one would be replaced.
    pub fn to_line(&self) -> String {
        let ms: Vec<String> = self.ms.iter().map(|ms| format!("{ms:.4}")).collect();
        let word = |text: &str| text.replace(['\t', '\n'], " ");
        format!(
            "{}\t{}\t{}",
            word(&self.label),
            word(&self.server),
            ms.join(" ")
        )
    }

    /// Reads back what [`Curve::to_line`] wrote; `None` for anything else.
    pub fn from_line(line: &str) -> Option<Curve> {
        let mut fields = line.split('\t');
        let (label, server, numbers) = (fields.next()?, fields.next()?, fields.next()?);
        let ms = numbers
            .split(' ')
            .map(|n| n.parse::<f64>().ok().filter(|ms| ms.is_finite()))
            .collect::<Option<Vec<f64>>>()?;
        if fields.next().is_some() || ms.is_empty() {
            return None;
        }
        Some(Curve {
            label: label.to_string(),
            server: server.to_string(),
            ms,
        })
    }
}

/// Reads a file of curves, one per line, skipping blank lines; an error names the bad line.
pub fn read_curves(path: &str) -> Result<Vec<Curve>, String> {
    crate::saved::read_lines(path, "--latencies", Curve::from_line)
}

/// Appends a curve to `path`, creating it if need be.
pub fn append(path: &str, curve: &Curve) -> Result<(), String> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("opening {path}: {e}"))?;
    writeln!(file, "{}", curve.to_line()).map_err(|e| format!("writing {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_points_from_any_number_of_samples() {
        let nanos: Vec<u64> = (1..=2000).rev().map(|n| n * 1_000_000).collect();
        let curve = Curve::from_nanos("burst", "go", nanos).expect("samples");
        assert_eq!(curve.ms.len(), POINTS);
        assert_eq!(curve.ms[0], 2.0, "the first thousandth");
        assert_eq!(curve.ms[989], 1980.0, "the table's p99");
        assert_eq!(curve.ms[999], 2000.0, "the maximum");
        let few = Curve::from_nanos("a", "b", vec![5_000_000, 1_000_000]).expect("two samples");
        assert_eq!((few.ms[0], few.ms[999]), (1.0, 5.0));
        assert_eq!(Curve::from_nanos("a", "b", Vec::new()), None);
    }

    #[test]
    fn a_line_reads_back_as_the_curve() {
        let curve = Curve {
            label: "classroom".into(),
            server: "mirror".into(),
            ms: vec![0.5, 1.25, 30.0],
        };
        assert_eq!(curve.to_line(), "classroom\tmirror\t0.5000 1.2500 30.0000");
        assert_eq!(Curve::from_line(&curve.to_line()), Some(curve.clone()));
        let shares: Vec<(f64, f64)> = curve.points().collect();
        assert_eq!(shares[2], (30.0, 1.0));
        assert_eq!(Curve::from_line("classroom\tmirror"), None);
        assert_eq!(Curve::from_line("a\tb\t1 x"), None);
        assert_eq!(Curve::from_line("a\tb\t1\textra"), None);
    }
}
