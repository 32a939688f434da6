//! What this system lets one server hold: file descriptors and threads, checked at start against
//! `--max-clients`.
//!
//! Go counterpart: the Go runtime raises its own soft descriptor limit at start, and a goroutine
//! costs no OS thread, so the original never meets the thread limits below. Here every client is
//! a thread and a descriptor, and each runs out in its own way:
//! - **Descriptors.** Past the limit, `accept` fails (EMFILE) and waiting clients get nothing. So
//!   the soft limit is raised to the hard one at start (the `rlimit` crate; macOS's soft default
//!   is 256), and a `--max-clients` that cannot fit is warned about, with what to do.
//! - **Threads.** Past the limit, `pthread_create` fails, and worse: when the memory maps run out
//!   first (`vm.max_map_count`, 65,530 by default; a thread costs about four: its stack, its guard
//!   page, its signal stack and that one's guard), the new thread fails inside the standard
//!   library's own start-up, where it cannot even panic, and the whole process aborts. Measured:
//!   at about 16,370 client threads, 17,027 connected users were dropped at once. So at start the
//!   client threads this system allows are worked out, with a margin, and a `--max-clients` above
//!   them is lowered to fit: clients past it are told `** Server is full **` instead.

use crate::config::Config;
use rlimit::Resource;
use std::fs;

/// Descriptors the server holds besides one per client: standard input, output and error, the
/// listener, the stop's wake-up connection (both ends), the signal thread's pipe, and room to
/// spare for what a library opens.
pub const SPARE_DESCRIPTORS: u64 = 16;

/// Memory maps each client thread costs: its stack and guard page, its signal stack and guard.
pub const MAPS_PER_THREAD: u64 = 4;

/// Memory maps kept free beyond the client threads: the heap's arenas, the libraries, and every
/// map the server already has, which are counted at start and grow a little under load.
pub const SPARE_MAPS: u64 = 1024;

/// Threads (and process IDs) kept free beyond the client threads: the server's own (main,
/// acceptor, broadcaster, logger, signals) and room for the rest of the system, which shares
/// `kernel.threads-max` and `kernel.pid_max` with us.
pub const SPARE_THREADS: u64 = 64;

/// What the `server` binary does at start: raises the soft descriptor limit to the hard one, then
/// [`fit`]s `config` to this system. Returns one line for a person per finding.
pub fn fit_to_system(config: &mut Config) -> Vec<String> {
    let mut lines = Vec::new();
    let descriptors = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(soft) => soft,
        Err(error) => {
            lines.push(format!("cannot raise the open-file limit ({error})"));
            Resource::NOFILE.get().map_or(u64::MAX, |(soft, _)| soft)
        }
    };
    lines.extend(fit(config, descriptors, thread_bound()));
    lines
}

/// One of the limits on how many client threads may run, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadBound {
    /// Client threads it allows, after the margins above.
    pub clients: u64,
    /// The limit, named as an operator would look it up, with its value.
    pub limit: String,
    /// How to raise it.
    pub raise: String,
}

/// The tightest of the limits on threads that this system reports, or `None` where it reports
/// none (no limit set).
///
/// Linux only. Elsewhere (macOS) there is no `/proc` to read them from, and `RLIMIT_NPROC` counts
/// processes, not threads, so none of these bounds would be true: `--max-clients` is kept as
/// given, and a client thread that cannot be started closes its one connection (`crate::acceptor`).
pub fn thread_bound() -> Option<ThreadBound> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    [map_bound(), tasks_bound(), process_bound()]
        .into_iter()
        .flatten()
        .min_by_key(|bound| bound.clients)
}

/// Fits `config` to this system: lowers `max_clients` to what the thread limits allow, and warns
/// when the descriptors cannot hold it. Returns one line for a person per finding.
pub fn fit(config: &mut Config, descriptors: u64, threads: Option<ThreadBound>) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(bound) = threads
        && config.max_clients as u64 > bound.clients
    {
        let allowed = bound.clients.max(1) as usize;
        lines.push(format!(
            "--max-clients {} lowered to {allowed}: {} allows about that many client threads; \
             to allow more: {}",
            config.max_clients, bound.limit, bound.raise
        ));
        config.max_clients = allowed;
    }
    let needed = config.max_clients as u64 + SPARE_DESCRIPTORS;
    if needed > descriptors {
        lines.push(format!(
            "--max-clients {} needs about {needed} file descriptors, but this process may open \
             only {descriptors} (ulimit -n); clients past that wait until one leaves. To fix: \
             raise the hard limit (as root: ulimit -Hn {needed}; systemd: LimitNOFILE={needed}) \
             or lower --max-clients",
            config.max_clients
        ));
    }
    lines
}

/// `vm.max_map_count`, less the maps this process has already.
fn map_bound() -> Option<ThreadBound> {
    let max = read_number("/proc/sys/vm/max_map_count")?;
    let used = fs::read_to_string("/proc/self/maps").ok()?.lines().count() as u64;
    Some(ThreadBound {
        clients: max.saturating_sub(used + SPARE_MAPS) / MAPS_PER_THREAD,
        limit: format!("vm.max_map_count ({max}, {MAPS_PER_THREAD} memory maps a thread)"),
        raise: format!(
            "sysctl -w vm.max_map_count={} (as root)",
            (max * 4).max(262_144)
        ),
    })
}

/// `kernel.threads-max` and `kernel.pid_max`, whichever is lower, less the threads the whole
/// system runs already (every thread takes a process ID).
fn tasks_bound() -> Option<ThreadBound> {
    let running = system_threads()?;
    let threads_max = read_number("/proc/sys/kernel/threads-max")?;
    let pid_max = read_number("/proc/sys/kernel/pid_max")?;
    let (name, max) = if pid_max < threads_max {
        ("kernel.pid_max", pid_max)
    } else {
        ("kernel.threads-max", threads_max)
    };
    Some(ThreadBound {
        clients: max.saturating_sub(running + SPARE_THREADS),
        limit: format!("{name} ({max}, with {running} threads running on this system)"),
        raise: format!("sysctl -w {name}={} (as root)", max * 2),
    })
}

/// `RLIMIT_NPROC` (`ulimit -u`), which counts every thread of this user. Root is not held to it.
fn process_bound() -> Option<ThreadBound> {
    let (soft, _) = Resource::NPROC.get().ok()?;
    // SAFETY: getuid and geteuid cannot fail and touch no memory.
    let (uid, euid) = unsafe { (libc::getuid(), libc::geteuid()) };
    if soft == rlimit::INFINITY || euid == 0 {
        return None;
    }
    let used = user_threads(uid).unwrap_or(0);
    Some(ThreadBound {
        clients: soft.saturating_sub(used + SPARE_THREADS.min(soft / 4)),
        limit: format!("RLIMIT_NPROC (ulimit -u {soft}, with {used} threads of this user)"),
        raise: format!("ulimit -u {} (systemd: LimitNPROC=)", soft * 2),
    })
}

/// Threads on the whole system: the second number of `/proc/loadavg`'s `running/total`.
fn system_threads() -> Option<u64> {
    let loadavg = fs::read_to_string("/proc/loadavg").ok()?;
    loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .nth(1)?
        .parse()
        .ok()
}

/// Threads of every process whose real user is `uid`, as the kernel counts them for
/// `RLIMIT_NPROC`.
fn user_threads(uid: libc::uid_t) -> Option<u64> {
    let mut threads = 0;
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Ok(status) = fs::read_to_string(entry.path().join("status")) else {
            continue; // Not a process, or one that just ended.
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        };
        if field("Uid:") == Some(u64::from(uid)) {
            threads += field("Threads:").unwrap_or(1);
        }
    }
    Some(threads)
}

fn read_number(path: &str) -> Option<u64> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(clients: u64) -> ThreadBound {
        ThreadBound {
            clients,
            limit: "vm.max_map_count (65530, 4 memory maps a thread)".to_string(),
            raise: "sysctl -w vm.max_map_count=262144 (as root)".to_string(),
        }
    }

    #[test]
    fn a_max_clients_past_the_thread_limit_is_lowered_with_one_line() {
        let mut config = Config {
            max_clients: 20_000,
            ..Config::default()
        };
        let lines = fit(&mut config, 1 << 20, Some(bound(16_000)));
        assert_eq!(config.max_clients, 16_000);
        assert_eq!(
            lines,
            [
                "--max-clients 20000 lowered to 16000: vm.max_map_count (65530, 4 memory maps a \
              thread) allows about that many client threads; to allow more: sysctl -w \
              vm.max_map_count=262144 (as root)"
            ]
        );
    }

    #[test]
    fn a_max_clients_that_fits_is_left_alone() {
        let mut config = Config::default();
        assert!(fit(&mut config, 1 << 20, Some(bound(16_000))).is_empty());
        assert!(fit(&mut config, 1 << 20, None).is_empty());
        assert_eq!(config.max_clients, 1000);
    }

    #[test]
    fn too_few_descriptors_are_warned_about_with_the_numbers() {
        let mut config = Config::default();
        let lines = fit(&mut config, 256, None);
        assert_eq!(config.max_clients, 1000, "warned, not lowered");
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with(
                "--max-clients 1000 needs about 1016 file descriptors, but this process may \
                 open only 256 (ulimit -n)"
            ),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn this_machine_reports_its_thread_limits() {
        // Linux has /proc: the vm.max_map_count bound at least is there. Elsewhere, none.
        if cfg!(target_os = "linux") {
            let bound = thread_bound().expect("a bound on Linux");
            assert!(bound.clients > 0, "{bound:?}");
        } else {
            assert_eq!(thread_bound(), None);
        }
    }
}
