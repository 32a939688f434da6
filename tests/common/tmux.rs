//! A tmux server of the test's own (`tmux -L NAME`), never the user's: commands to it, and at the
//! end, pass or fail, the server killed and its socket removed (tmux leaves the socket behind
//! when its server is killed, and `make test` would leave one per run).

#![allow(dead_code)] // Each test file uses its own part of these helpers.

use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io::Read;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub struct TmuxServer {
    socket: String,
}

impl TmuxServer {
    /// A tmux server named `socket`, or `None` (after saying so) without tmux.
    pub fn named(socket: String) -> Option<TmuxServer> {
        if Command::new("tmux").arg("-V").output().is_err() {
            println!("skipped: tmux not installed");
            return None;
        }
        Some(TmuxServer { socket })
    }

    pub fn socket(&self) -> &str {
        &self.socket
    }

    /// Runs a tmux command on this server and returns what it printed.
    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let socket = self.run(&["display-message", "-p", "#{socket_path}"]);
        self.run(&["kill-server"]);
        if !socket.trim().is_empty() {
            let _ = std::fs::remove_file(socket.trim());
        }
    }
}

/// A person's terminal of a given size, attached to a tmux server: `script` (util-linux) gives
/// `tmux attach` (or a demo that attaches) a pseudo-terminal of that size, and what tmux draws
/// there is fed to a terminal emulator (`vt100`), so that a test reads the screen a person would
/// see, status line included. Dropping it ends `script`, which detaches; the tmux server runs on.
pub struct Attached {
    script: Child,
    /// Held open: `script` forwards its input to the terminal, and ends when it ends.
    _keyboard: ChildStdin,
    /// Chunks of what tmux drew.
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
}

impl Attached {
    /// Attaches a terminal of `columns` by `rows` to `server`, or returns `None` (after saying
    /// so) without `script`.
    pub fn to(server: &TmuxServer, columns: u16, rows: u16) -> Option<Attached> {
        let attach = format!("exec tmux -L {} attach", server.socket());
        Attached::run(Command::new("script"), &attach, columns, rows)
    }

    /// Runs the shell command `command` in a terminal of `columns` by `rows`, from `script`
    /// (a `Command` for the caller's environment and folder), or returns `None` (after saying
    /// so) without `script`.
    pub fn run(mut script: Command, command: &str, columns: u16, rows: u16) -> Option<Attached> {
        if Command::new("script").arg("-V").output().is_err() {
            println!("skipped: script (util-linux) not installed");
            return None;
        }
        let sized = format!("stty cols {columns} rows {rows}; {command}");
        let mut script = script
            .args(["-qec", &sized, "/dev/null"])
            .env("TERM", "xterm-256color")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script runs");
        let keyboard = script.stdin.take().expect("stdin is piped");
        let drawn = script.stdout.take().expect("stdout is piped");
        let parser = vt100::Parser::new(
            rows.try_into().expect("at least one row"),
            columns.try_into().expect("at least one column"),
            0,
        );
        Some(Attached {
            script,
            _keyboard: keyboard,
            output: forward_output(drawn),
            parser,
        })
    }

    /// Processes what tmux draws until a row of the screen contains `wanted`, and returns the
    /// screen's rows; fails the test with the screen after `timeout`.
    pub fn wait_for(&mut self, wanted: &str, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let rows = self.rows(0, self.parser.screen().size().1.get());
            if rows.iter().any(|row| row.contains(wanted)) {
                return rows;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.parser.process(&chunk),
                Err(_) => panic!("the screen never showed {wanted:?}:\n{}", rows.join("\n")),
            }
        }
    }

    /// Processes what tmux draws for `duration`, however little that is.
    pub fn watch(&mut self, duration: Duration) {
        let deadline = Instant::now() + duration;
        let left = || deadline.saturating_duration_since(Instant::now());
        while let Ok(chunk) = self.output.recv_timeout(left()) {
            self.parser.process(&chunk);
        }
    }

    /// Processes what is drawn until `script` ends (its command has), within `timeout`, and
    /// returns its exit code; fails the test with the screen after `timeout`.
    pub fn exit_code_within(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.parser.process(&chunk),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let rows = self.rows(0, self.parser.screen().size().1.get());
                    panic!("still running after {timeout:?}:\n{}", rows.join("\n"))
                }
            }
        }
        self.script.wait().expect("script ends").code()
    }

    /// The screen's rows, each cut to the `width` columns from `left`.
    pub fn rows(&self, left: u16, width: u16) -> Vec<String> {
        self.parser.screen().rows(left, width).collect()
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        // NOTE: ignoring errors: `script` may have ended already, with the tmux server.
        let _ = self.script.kill();
        let _ = self.script.wait();
    }
}

/// Each chunk `output` gives, until it ends.
fn forward_output(mut output: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (chunks, receiver) = crossbeam_channel::unbounded();
    thread::spawn(move || {
        let mut buffer = [0u8; 65536];
        while let Ok(n) = output.read(&mut buffer) {
            if n == 0 || chunks.send(buffer[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    receiver
}
