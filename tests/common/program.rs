//! A program a test runs (the `client` binary, the Go original): its standard input to type into,
//! its standard output read line by line with a timeout, its standard error kept whole. Dropping
//! it kills and reaps the process, so a failed assertion never leaves one behind.

use super::LINE_TIMEOUT;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::Duration;

pub struct Program {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Each line of standard output, without its newline; disconnected once the process has
    /// closed its standard output (that is, exited).
    stdout: Receiver<String>,
    /// The whole of standard error, sent once it is closed.
    stderr: Receiver<String>,
}

impl Program {
    /// Starts `command` with all three standard streams piped.
    pub fn start(command: &mut Command) -> Program {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {command:?}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        Program {
            stdin: child.stdin.take(),
            child,
            stdout: forward_lines(stdout),
            stderr: forward_all(stderr),
        }
    }

    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("standard input is still open");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("writing to the program's standard input");
    }

    /// Ends standard input, as the end of a script or Ctrl-D does.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn read_line(&self) -> String {
        match self.stdout.recv_timeout(LINE_TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                panic!("no line from the program in {LINE_TIMEOUT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => panic!("the program exited instead of printing"),
        }
    }

    /// The process's ID, to signal it (a test's Ctrl-Z is `SIGSTOP`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next line of standard output within `wait`: `Err(Timeout)` if none came, and
    /// `Err(Disconnected)` once the program has closed its output (it has exited).
    pub fn line_within(&self, wait: Duration) -> Result<String, RecvTimeoutError> {
        self.stdout.recv_timeout(wait)
    }

    pub fn expect(&self, line: &str) {
        assert_eq!(self.read_line(), line);
    }

    /// Asserts that the program prints nothing more, exits with `code`, and returns its stderr.
    pub fn expect_exit(mut self, code: i32) -> String {
        match self.stdout.recv_timeout(LINE_TIMEOUT) {
            Err(RecvTimeoutError::Disconnected) => {}
            Ok(line) => panic!("expected the program to exit, got the line {line:?}"),
            Err(RecvTimeoutError::Timeout) => {
                panic!("the program did not exit in {LINE_TIMEOUT:?}")
            }
        }
        let status = self.child.wait().expect("reaping the program");
        assert_eq!(status.code(), Some(code), "exit status");
        self.stderr
            .recv_timeout(LINE_TIMEOUT)
            .expect("the program's stderr closes when it exits")
    }

    /// Waits for the program to exit; returns what it printed meanwhile and its exit code.
    pub fn finish(mut self) -> (Vec<String>, Option<i32>) {
        let mut rest = Vec::new();
        loop {
            match self.stdout.recv_timeout(LINE_TIMEOUT) {
                Ok(line) => rest.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("still running after {LINE_TIMEOUT:?}"),
            }
        }
        let status = self.child.wait().expect("reaping the program");
        (rest, status.code())
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        // NOTE: ignoring errors: the process has usually exited already.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Each line `output` prints, without its newline, as it comes; disconnected once it closes.
pub fn forward_lines(output: impl Read + Send + 'static) -> Receiver<String> {
    let (lines, receiver) = crossbeam_channel::unbounded();
    thread::spawn(move || {
        let mut reader = BufReader::new(output);
        let mut buf = Vec::new();
        while reader.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
            let line = String::from_utf8_lossy(&buf);
            let line = line.strip_suffix('\n').unwrap_or(&line).to_string();
            if lines.send(line).is_err() {
                return;
            }
            buf.clear();
        }
    });
    receiver
}

fn forward_all(mut output: impl Read + Send + 'static) -> Receiver<String> {
    let (all, receiver) = crossbeam_channel::bounded(1);
    thread::spawn(move || {
        let mut text = String::new();
        let _ = output.read_to_string(&mut text);
        let _ = all.send(text);
    });
    receiver
}
