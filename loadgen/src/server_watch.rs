//! What the server used during a run and after it: the probe's peaks while the run lasted, how
//! long the server took to close the run's connections, and, with `--quiet`, its memory once
//! the room has been quiet for a while.
//!
//! The last one is the measure of memory that comes back (issue 24): a peak says how much the
//! server took under load, and the RSS after a quiet pause, beside the RSS before the run, says
//! how much of it the server (and its allocator) kept.

use crate::args::Options;
use crate::probe::{self, Probe};
use crate::report::ServerUse;
use std::thread;
use std::time::Instant;

/// The server as it was before the run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Before {
    /// Files (sockets) it held open.
    pub files: Option<usize>,
    pub rss_kib: Option<u64>,
}

/// Stops the probe, then waits (bounded by `--timeout`) until the server holds no more files
/// than before the run, which is when it has closed every connection of this run; then, with
/// `--quiet`, waits that long and samples its RSS.
pub fn finish(probe: Probe, pid: u32, before: Before, options: &Options) -> ServerUse {
    let peak = probe.finish();
    let teardown_began = Instant::now();
    let mut teardown = None;
    while let Some(files_before) = before.files {
        match probe::open_files(pid) {
            Some(now) if now > files_before && teardown_began.elapsed() < options.timeout => {
                thread::sleep(probe::INTERVAL)
            }
            Some(now) if now > files_before => break,
            _ => {
                teardown = Some(teardown_began.elapsed());
                break;
            }
        }
    }
    let rss_quiet_kib = options.attack.quiet.and_then(|quiet| {
        thread::sleep(quiet);
        probe::sample(pid).map(|s| s.rss_kib)
    });
    ServerUse {
        peak_rss_kib: peak.rss_kib,
        peak_threads: peak.threads,
        teardown,
        rss_before_kib: before.rss_kib,
        rss_quiet_kib,
    }
}
