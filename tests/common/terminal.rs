//! One terminal of the lab sheet (docs/lab.md), as a test drives it: a shell command started in a
//! process group of its own, what the student would type written to its standard input, the keys
//! a terminal turns into signals (Ctrl-Z, Ctrl-C, Ctrl-\, and the shell's `fg`) sent to that group,
//! and its screen, standard output and error together in one pipe as a terminal shows them, read
//! line by line with a timeout.
//!
//! A real terminal sends Ctrl-C to every process of its foreground group, `make` and the server it
//! started alike; so does [`Terminal::press`]. Dropping a terminal kills its group, so a failed
//! assertion never leaves a server or an `nc` behind.

use super::program::forward_lines;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// A key the sheet writes as `[Ctrl-Z]`, and the signal a terminal sends for it.
pub const KEYS: [(&str, i32); 4] = [
    ("[Ctrl-Z]", libc::SIGTSTP),
    ("[fg]", libc::SIGCONT),
    ("[Ctrl-C]", libc::SIGINT),
    ("[Ctrl-\\]", libc::SIGQUIT),
];

/// What a terminal showed next.
#[derive(Debug, PartialEq)]
pub enum Shown {
    Line(String),
    /// Nothing, for as long as the caller waited.
    Still,
    /// The command has ended: nothing will ever come.
    Ended,
}

pub struct Terminal {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Each line of the screen, without its line end; disconnected once every process of the
    /// command has closed the pipe (that is, exited).
    screen: Receiver<String>,
}

impl Terminal {
    /// Starts `command` with `sh -c` in `dir`, as a student's shell would.
    pub fn start(command: &str, dir: &Path) -> Terminal {
        let (reader, writer) = std::io::pipe().expect("a pipe for the terminal's screen");
        let mut shell = Command::new("sh");
        shell
            .args(["-c", command])
            .current_dir(dir)
            .process_group(0)
            // A student's terminal is no sub-make: under `make test` these would make the sheet's
            // own `make` print `Entering directory` lines and share the outer make's jobs.
            .env_remove("MAKELEVEL")
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS")
            .stdin(Stdio::piped())
            .stdout(writer.try_clone().expect("a second end for standard error"))
            .stderr(writer);
        let mut child = shell
            .spawn()
            .unwrap_or_else(|e| panic!("starting {command:?}: {e}"));
        // The command's own copies of the pipe's writing end are the only ones left once `shell`
        // (which holds ours) is dropped, so the screen ends when the command does.
        drop(shell);
        Terminal {
            stdin: child.stdin.take(),
            child,
            screen: forward_lines(reader),
        }
    }

    /// Types `line` and Enter.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("the terminal's input is open");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("typing into the terminal");
    }

    /// Sends `signal` to every process of the terminal's group, as a terminal does for a key.
    pub fn press(&self, signal: i32) {
        let group = i32::try_from(self.child.id()).expect("a process id fits in pid_t");
        // SAFETY: killpg only sends a signal; the group is this terminal's own.
        let sent = unsafe { libc::killpg(group, signal) };
        assert_eq!(sent, 0, "signal {signal} to the terminal's processes");
    }

    /// The next line on the screen, if one comes within `wait`.
    pub fn next(&self, wait: Duration) -> Shown {
        match self.screen.recv_timeout(wait) {
            Ok(line) => Shown::Line(line),
            Err(RecvTimeoutError::Timeout) => Shown::Still,
            Err(RecvTimeoutError::Disconnected) => Shown::Ended,
        }
    }

    /// Waits up to `wait` for the command to end, and returns what it printed meanwhile; `None`
    /// if it is still running.
    pub fn wait_for_end(&mut self, wait: Duration) -> Option<Vec<String>> {
        let mut rest = Vec::new();
        loop {
            match self.screen.recv_timeout(wait) {
                Ok(line) => rest.push(line),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        self.child.wait().expect("reaping the terminal's command");
        Some(rest)
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        // NOTE: ignoring errors: the group has usually ended already.
        let group = self.child.id() as i32;
        // SAFETY: as in `press`; SIGKILL ends stopped processes too.
        unsafe { libc::killpg(group, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}
