//! A server that would run out of threads lowers `--max-clients` at start, says so, and tells the
//! connections past it `** Server is full **`: thread creation never fails, so the process never
//! aborts (as it did at about 16,370 threads, when `vm.max_map_count` ran out first).

mod common;

use common::Client;
use common::server_process::{SERVER, ServerProcess};
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The test's own thread limit: `RLIMIT_NPROC` counts every thread of a user, and root is not held
/// to it, so the server runs as `nobody`, whose processes are few.
const NPROC: u64 = 40;
const NOBODY: u32 = 65534;

/// Under a limit of 40 threads, `--max-clients 100` is lowered with one line naming the limit and
/// how to raise it; every client up to the new number joins, and the next is told the server is
/// full.
#[test]
fn max_clients_is_lowered_to_the_thread_limit_and_the_rest_are_told_full() {
    // SAFETY: geteuid cannot fail and touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: needs root to run the server as another user under RLIMIT_NPROC");
        return;
    }
    // `nobody` may not be able to reach the build directory (a clone under /root): run a copy.
    let binary = BinaryCopy::new();
    let mut probe = as_nobody_under_nproc(&binary.path);
    if let Err(error) = probe.arg("--version").output() {
        println!(
            "skipped: nobody cannot run a copy of the server in the temporary directory ({error})"
        );
        return;
    }
    let mut command = as_nobody_under_nproc(&binary.path);
    command.args(["--addr", "127.0.0.1:0", "--max-clients", "100"]);
    let mut server = ServerProcess::spawn(command);
    let warning = server
        .stderr()
        .recv_timeout(common::LINE_TIMEOUT)
        .expect("a line saying --max-clients was lowered");
    let allowed: usize = warning
        .strip_prefix("server: --max-clients 100 lowered to ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected line {warning:?}"));
    assert!(
        warning.contains("RLIMIT_NPROC (ulimit -u 40")
            && warning.contains("to allow more: ulimit -u"),
        "{warning}"
    );
    assert!(allowed > 0 && allowed < NPROC as usize, "{warning}");

    // Members, not connections choosing an ID: a newcomer would take the place of one of those.
    let _served: Vec<Client> = (0..allowed)
        .map(|n| Client::join(server.addr, &format!("user{n}")).0)
        .collect();
    let mut refused = Client::connect_silently(server.addr);
    refused.expect(&format!(
        "** Server is full ({allowed} users); try again later **"
    ));
    refused.expect_closed();
}

/// A command that runs `program` as `nobody`, limited to [`NPROC`] threads.
fn as_nobody_under_nproc(program: &Path) -> Command {
    let mut command = Command::new(program);
    // SAFETY: between fork and exec, only async-signal-safe calls that touch no shared state.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: NPROC,
                rlim_max: NPROC,
            };
            if libc::setrlimit(libc::RLIMIT_NPROC, &limit) != 0
                || libc::setgid(NOBODY) != 0
                || libc::setuid(NOBODY) != 0
            {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command
}

/// A copy of the server binary in the temporary directory, readable and executable by everyone,
/// removed when the test ends.
struct BinaryCopy {
    path: PathBuf,
}

impl BinaryCopy {
    fn new() -> BinaryCopy {
        let path = std::env::temp_dir().join(format!("thread-limit-server-{}", std::process::id()));
        fs::copy(SERVER, &path).expect("copying the server binary");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod 755");
        BinaryCopy { path }
    }
}

impl Drop for BinaryCopy {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}
