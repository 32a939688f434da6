//! Watching the server process from outside, through `/proc` (Linux only), so the same numbers
//! come out for our server and the Go original without either being built for it.
//!
//! `VmHWM` would give the peak RSS for free, but it covers the process's whole life, and
//! `make bench` runs every scenario against one server; so a thread samples `VmRSS` and
//! `Threads` every [`INTERVAL`] and keeps the highest of each for this run alone.

use crossbeam_channel::{RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Between two samples. A peak shorter than this can be missed; the peaks that matter (a join
/// storm, a backlog) last seconds.
pub const INTERVAL: Duration = Duration::from_millis(50);

/// The highest readings seen.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub rss_kib: u64,
    pub threads: u64,
}

/// A running sampler; [`Probe::finish`] stops it and returns the peaks.
pub struct Probe {
    /// Dropping it is the stop signal: the sampler's `recv_timeout` then reports disconnection.
    stop: Sender<()>,
    sampler: JoinHandle<Sample>,
}

impl Probe {
    pub fn start(pid: u32) -> std::io::Result<Probe> {
        let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
        let sampler = thread::Builder::new().name("probe".into()).spawn(move || {
            let mut peak = Sample::default();
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                peak = higher(peak, sample(pid).unwrap_or_default());
            }
            higher(peak, sample(pid).unwrap_or_default())
        })?;
        Ok(Probe { stop, sampler })
    }

    pub fn finish(self) -> Sample {
        drop(self.stop);
        self.sampler.join().unwrap_or_default()
    }
}

fn higher(a: Sample, b: Sample) -> Sample {
    Sample {
        rss_kib: a.rss_kib.max(b.rss_kib),
        threads: a.threads.max(b.threads),
    }
}

/// The process's current RSS and thread count; `None` once it is gone.
pub fn sample(pid: u32) -> Option<Sample> {
    parse_status(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// How many files (sockets, for a server) the process holds open right now.
pub fn open_files(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// Reads `VmRSS:  1234 kB` and `Threads:  5` out of `/proc/PID/status`.
pub fn parse_status(status: &str) -> Option<Sample> {
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some(Sample {
        rss_kib: field("VmRSS:")?,
        threads: field("Threads:")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_threads() {
        let status = "Name:\tserver\nVmHWM:\t  9000 kB\nVmRSS:\t  8192 kB\nThreads:\t12\n";
        let expected = Sample {
            rss_kib: 8192,
            threads: 12,
        };
        assert_eq!(parse_status(status), Some(expected));
        assert_eq!(parse_status("Name:\tzombie\n"), None);
    }

    #[test]
    fn samples_this_very_process() {
        let own = sample(std::process::id()).expect("/proc/self exists on Linux");
        assert!(own.rss_kib > 0 && own.threads >= 1);
        assert!(open_files(std::process::id()).expect("our own fds") >= 3);
    }
}
