//! One terminal of a "Try" (docs/steps.md): a command run by `sh` as a person pastes it, its
//! output read line by line with a timeout, signalled as Ctrl-Z and `fg` would, and killed, the
//! whole pipeline, when the test ends. Used by `tries.rs`.

use super::common::program::Program;
use crossbeam_channel::RecvTimeoutError;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::{Duration, Instant};

/// One of the Try's terminals: its command run by `sh`, in a process group of its own, so that
/// the whole pipeline can be signalled (Ctrl-Z) and, when the test ends, killed.
pub struct Shell {
    pub program: Program,
}

impl Shell {
    /// Runs `command` with the chapter's port 5000 replaced by `port`.
    pub fn start(command: &str, port: u16) -> Shell {
        assert!(command.contains("127.0.0.1 5000"), "{command}");
        let command = command.replace("127.0.0.1 5000", &format!("127.0.0.1 {port}"));
        let program = Program::start(Command::new("sh").args(["-c", &command]).process_group(0));
        Shell { program }
    }

    pub fn type_line(&mut self, line: &str) {
        self.program.type_line(line);
    }

    /// Reads lines until one contains `wanted`, and returns it; each line within `wait`. (Every
    /// command here prints a bounded number of lines, so this ends.)
    pub fn wait_for(&self, wanted: &str, wait: Duration) -> String {
        loop {
            let line = self.line(wait);
            if line.contains(wanted) {
                return line;
            }
        }
    }

    pub fn line(&self, wait: Duration) -> String {
        self.program
            .line_within(wait)
            .unwrap_or_else(|error| panic!("no line in {wait:?}: {error}"))
    }

    /// Whether the command has ended (closed its output) within `wait`; its lines are skipped.
    pub fn ends_within(&self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.program.line_within(left) {
                Ok(_) => {}
                Err(RecvTimeoutError::Disconnected) => return true,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
    }

    /// Ctrl-Z: stops every process of the command.
    pub fn stop(&self) {
        assert!(
            self.signal(libc::SIGSTOP),
            "stopping {:?}",
            self.program.pid()
        );
    }

    /// `fg`: lets them run again.
    pub fn resume(&self) {
        assert!(
            self.signal(libc::SIGCONT),
            "resuming {:?}",
            self.program.pid()
        );
    }

    /// Signals the command's process group (its ID is the shell's); false if it has ended.
    fn signal(&self, signal: libc::c_int) -> bool {
        let group = -(self.program.pid() as libc::pid_t);
        // SAFETY: kill only sends a signal, to the group this shell was started in.
        unsafe { libc::kill(group, signal) == 0 }
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        // The whole pipeline, not only `sh` (which `Program` kills and reaps after this). It may
        // have ended already.
        self.signal(libc::SIGKILL);
    }
}
