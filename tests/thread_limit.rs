//! A server that would run out of threads lowers `--max-clients` at start, says so, and tells the
//! connections past it `** Server is full **`: thread creation never fails, so the process never
//! aborts (as it did at about 16,370 threads, when `vm.max_map_count` ran out first).

mod common;

use common::Client;
use common::server_process::{SERVER, ServerProcess};
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The test's own thread limit: `RLIMIT_NPROC` counts every thread of a user, and root is not held
/// to it, so the server runs as `nobody`, whose processes are few.
const NPROC: u64 = 40;
const NOBODY: u32 = 65534;

/// Under a limit of 40 threads, `--max-clients 100` is lowered with one line naming the limit and
/// how to raise it; every client up to the new number is served, and the next is told the server
/// is full.
#[test]
fn max_clients_is_lowered_to_the_thread_limit_and_the_rest_are_told_full() {
    // SAFETY: geteuid cannot fail and touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: needs root to run the server as another user under RLIMIT_NPROC");
        return;
    }
    let mut command = Command::new(SERVER);
    command.args(["--addr", "127.0.0.1:0", "--max-clients", "100"]);
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

    let mut served: Vec<Client> = (0..allowed).map(|_| Client::connect(server.addr)).collect();
    let mut refused = Client::connect_silently(server.addr);
    refused.expect(&format!(
        "** Server is full ({allowed} users); try again later **"
    ));
    refused.expect_closed();
    served[0].send("Ahmed");
    served[0].expect("** No other users in chat **");
}
