//! The real `server` binary as a child process: started through `sh -c` (so a test can put
//! `ulimit` or `trap` before it), its banner read for the real port, its log read line by line by
//! a thread (so it never blocks on a full pipe), signalled with `kill`, killed when dropped.

use super::LINE_TIMEOUT;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;

/// The `server` binary cargo built for this test. Only the chat package's tests have one; the
/// steps' tests (`steps/tests/`) share these helpers but never start it, hence no `env!`.
pub const SERVER: &str = match option_env!("CARGO_BIN_EXE_server") {
    Some(path) => path,
    None => "server (not built for this package's tests)",
};

/// A running server process, killed when the test ends, pass or fail.
pub struct ServerProcess {
    pub child: Child,
    pub addr: SocketAddr,
    /// The server's stdout after its banner, one line at a time, read by a thread so the server
    /// never blocks on a full pipe.
    pub log: Receiver<String>,
}

impl ServerProcess {
    /// Starts `sh -c "<prefix> exec server <args>"` and reads the banner for the real port.
    /// SIGHUP starts as the default action whatever the test runner inherited (see
    /// [`default_sighup`]); a prefix of `trap '' HUP;` ignores it again.
    pub fn start(shell_prefix: &str, args: &str) -> ServerProcess {
        let mut command = Command::new("sh");
        command.arg("-c").arg(format!(
            "{shell_prefix} exec {SERVER} --addr 127.0.0.1:0 {args}"
        ));
        default_sighup(&mut command);
        ServerProcess::spawn(command)
    }

    /// Runs `command`, which must start the server on 127.0.0.1, and reads its banner.
    pub fn spawn(mut command: Command) -> ServerProcess {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting the server binary");
        let log = lines_of(child.stdout.take().unwrap());
        let banner = log.recv_timeout(LINE_TIMEOUT).expect("the server's banner");
        let addr = address_in(&banner);
        ServerProcess { child, addr, log }
    }

    /// Starts `server --addr 127.0.0.1:0 ARGS` with its standard output on a pipe, reads the
    /// banner, and hands back the pipe, still open with nothing more read from it: the test
    /// decides when the server's output moves. Its `log` stays empty.
    pub fn start_with_output_held(args: &[&str]) -> (ServerProcess, BufReader<ChildStdout>) {
        let mut command = Command::new(SERVER);
        default_sighup(&mut command);
        let mut child = command
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the server binary");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).expect("the server's banner");
        let addr = address_in(banner.trim_end());
        let (_, log) = mpsc::channel();
        (ServerProcess { child, addr, log }, stdout)
    }

    pub fn stderr(&mut self) -> Receiver<String> {
        lines_of(self.child.stderr.take().unwrap())
    }
}

/// Resets SIGHUP to its default action in the child before it runs, so the server starts as it
/// would from a terminal even when the tests run under `nohup make test`: an ignored disposition
/// is inherited through `exec`, and a shell that starts with a signal ignored may not trap it.
fn default_sighup(command: &mut Command) {
    // SAFETY: between fork and exec, `signal` is async-signal-safe and touches no shared state.
    unsafe {
        command.pre_exec(|| {
            if libc::signal(libc::SIGHUP, libc::SIG_DFL) == libc::SIG_ERR {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address a banner (`Server running on port 5000...`) names, on 127.0.0.1.
fn address_in(banner: &str) -> SocketAddr {
    let port = banner
        .strip_prefix("Server running on port ")
        .and_then(|rest| rest.strip_suffix("..."))
        .unwrap_or_else(|| panic!("unexpected banner {banner:?}"));
    format!("127.0.0.1:{port}").parse().unwrap()
}

fn lines_of(pipe: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

pub fn signal(server: &ServerProcess, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &server.child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -{name} failed");
}

/// Reads the server's log until its stdout closes (the process has ended), then returns its
/// exit code and the lines read.
pub fn exit_code_and_log(server: &mut ServerProcess) -> (i32, Vec<String>) {
    let mut log = Vec::new();
    loop {
        match server.log.recv_timeout(LINE_TIMEOUT) {
            Ok(line) => log.push(line),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("the server did not exit; log: {log:?}"),
        }
    }
    let status = server.child.wait().expect("waiting for the server");
    (status.code().unwrap_or(-1), log)
}
