//! The `client` binary in a terminal: a pseudo-terminal made by `script` (util-linux, part of
//! every Debian and Ubuntu install). The tests read the raw bytes the client draws, escape codes
//! and all, and skip themselves where `script` is missing or is not util-linux's.

mod common;

use common::{Client, LINE_TIMEOUT};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;

const CLEAR_LINE: &str = "\r\x1b[2K";
/// Back to the echoed line (one row: `script` reports no width), erasing it and all below.
const UP: &str = "\x1b[1A\r\x1b[2K\x1b[J";
const GREEN_PROMPT: &str = "\x1b[32m[you] > \x1b[0m";

/// `client` running under `script`. Dropping it kills `script`, whose pseudo-terminal then
/// hangs up on the client; the server's end closes the client's socket too.
struct Terminal {
    script: Child,
    /// What the user types: the pseudo-terminal's input, so the terminal echoes it.
    keyboard: ChildStdin,
    /// Chunks of the screen's bytes; disconnected once `script` has exited.
    screen: Receiver<Vec<u8>>,
    /// Everything drawn so far, and how much of it the test has already matched.
    transcript: String,
    seen: usize,
}

impl Terminal {
    /// Starts a client on `addr` in a terminal, or returns `None` if there is no util-linux `script`.
    fn start(addr: SocketAddr, no_color: Option<&str>) -> Option<Terminal> {
        if !has_util_linux_script() {
            eprintln!("skipped: util-linux `script` is not installed");
            return None;
        }
        let client = env!("CARGO_BIN_EXE_client").replace('\'', r"'\''");
        let command_line = format!("'{client}' --addr {addr} --id Ahmed");
        let mut command = Command::new("script");
        command
            .args([
                "--quiet",
                "--return",
                "--command",
                &command_line,
                "/dev/null",
            ])
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let mut script = command.spawn().expect("script starts");
        let keyboard = script.stdin.take().expect("stdin is piped");
        let output = script.stdout.take().expect("stdout is piped");
        Some(Terminal {
            script,
            keyboard,
            screen: forward_chunks(output),
            transcript: String::new(),
            seen: 0,
        })
    }

    fn type_keys(&mut self, keys: &str) {
        self.keyboard
            .write_all(keys.as_bytes())
            .expect("typing into the terminal");
    }

    /// Waits until `expected` is drawn after everything matched so far.
    fn expect(&mut self, expected: &str) {
        loop {
            if let Some(at) = self.transcript[self.seen..].find(expected) {
                self.seen += at + expected.len();
                return;
            }
            match self.screen.recv_timeout(LINE_TIMEOUT) {
                Ok(chunk) => self.transcript.push_str(&String::from_utf8_lossy(&chunk)),
                Err(error) => panic!(
                    "{expected:?} was not drawn ({error:?}); the screen so far: {:?}",
                    &self.transcript[self.seen..]
                ),
            }
        }
    }

    /// Waits for the client to exit and returns its exit code and everything it drew.
    fn exit(mut self) -> (Option<i32>, String) {
        loop {
            match self.screen.recv_timeout(LINE_TIMEOUT) {
                Ok(chunk) => self.transcript.push_str(&String::from_utf8_lossy(&chunk)),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("the client did not exit"),
            }
        }
        let status = self.script.wait().expect("reaping script");
        (status.code(), std::mem::take(&mut self.transcript))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        // NOTE: ignoring errors: `script` has usually exited already.
        let _ = self.script.kill();
        let _ = self.script.wait();
    }
}

fn has_util_linux_script() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("util-linux"))
}

fn forward_chunks(mut output: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (chunks, receiver) = crossbeam_channel::unbounded();
    thread::spawn(move || {
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = output.read(&mut buf) {
            if chunks.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    receiver
}

/// The example session, in colour: the ID on the prompt line, the user list, the green prompt;
/// the user's message rewritten green in place; an incoming message drawn on a cleared line, never
/// glued to the prompt, with the prompt back below it; Ctrl-D leaves with exit code 0.
#[test]
fn a_terminal_session_reads_like_the_example() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut sarah = Client::join_seen_by(server.local_addr(), "Sarah", &mut [&mut omar]);
    let Some(mut ahmed) = Terminal::start(server.local_addr(), None) else {
        return;
    };
    ahmed.expect("\x1b[34mEnter your ID: \x1b[0mAhmed\r\n");
    ahmed.expect(&format!(
        "\x1b[34m** Current users in chat: Omar, Sarah **\x1b[0m\r\n{GREEN_PROMPT}"
    ));
    omar.expect("User Ahmed joined the chat");
    sarah.expect("User Ahmed joined the chat");

    ahmed.type_keys("Hello!\n");
    omar.expect("[Ahmed]: Hello!");
    ahmed.expect(&format!(
        "{UP}\x1b[32m[you] > Hello!\x1b[0m\r\n{GREEN_PROMPT}"
    ));
    omar.send("Hi Ahmed!");
    ahmed.expect(&format!(
        "{CLEAR_LINE}\x1b[33m[Omar]: Hi Ahmed!\x1b[0m\r\n{GREEN_PROMPT}"
    ));

    ahmed.type_keys("\x04");
    omar.expect("User Ahmed left the chat");
    let (code, transcript) = ahmed.exit();
    assert_eq!(code, Some(0), "{transcript:?}");
    let incoming = transcript.matches("[Omar]:").count();
    let on_a_clear_line = transcript.matches("\x1b[2K\x1b[33m[Omar]:").count();
    assert_eq!(incoming, on_a_clear_line, "{transcript:?}");
}

/// `NO_COLOR` in a terminal keeps the prompt and the cursor work but drops every colour; and when
/// the server goes away the prompt gives way to the notice, with exit code 1.
#[test]
fn no_color_in_a_terminal_keeps_the_prompt_and_drops_the_colours() {
    let server = common::start_server();
    let Some(mut ahmed) = Terminal::start(server.local_addr(), Some("1")) else {
        return;
    };
    ahmed.expect("Enter your ID: Ahmed\r\n");
    ahmed.expect("** No other users in chat **\r\n[you] > ");
    ahmed.type_keys("Hello!\n");
    ahmed.expect(&format!("{UP}[you] > Hello!\r\n[you] > "));

    server.shutdown();
    ahmed.expect(&format!(
        "{CLEAR_LINE}** Server is shutting down **\r\n[you] > {CLEAR_LINE}** Disconnected from server **\r\n"
    ));
    let (code, transcript) = ahmed.exit();
    assert_eq!(code, Some(1), "{transcript:?}");
    assert!(!transcript.contains("\x1b[3"), "{transcript:?}");
}
