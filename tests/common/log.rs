//! An in-process server whose log a test reads, one line at a time, from a channel: for tests
//! that assert why the server did something (`dropped: not reading`), not only that it did.

use super::LINE_TIMEOUT;
use crossbeam_channel::{Receiver, Sender};
use realtime_chat::logger::LogSink;
use realtime_chat::{Config, Server};
use std::io::{self, Write};

/// Starts a server on `config`; its log lines (standard output and errors alike) arrive on the
/// returned channel.
pub fn start_server_logged(config: Config) -> (Server, Receiver<String>) {
    let (lines, log) = crossbeam_channel::unbounded();
    let sink = LogSink {
        out: Box::new(LineSender::new(lines.clone())),
        err: Box::new(LineSender::new(lines)),
    };
    let server = Server::bind_with_log(config, sink).expect("binding the test server");
    (server, log)
}

/// The next log line that contains `text`, skipping others; panics after [`LINE_TIMEOUT`].
pub fn expect_containing(log: &Receiver<String>, text: &str) -> String {
    loop {
        let line = log
            .recv_timeout(LINE_TIMEOUT)
            .unwrap_or_else(|_| panic!("no log line containing {text:?} in {LINE_TIMEOUT:?}"));
        if line.contains(text) {
            return line;
        }
    }
}

/// A writer that sends each complete line it is given.
struct LineSender {
    lines: Sender<String>,
    partial: Vec<u8>,
}

impl LineSender {
    fn new(lines: Sender<String>) -> LineSender {
        LineSender {
            lines,
            partial: Vec::new(),
        }
    }
}

impl Write for LineSender {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        for &byte in bytes {
            if byte == b'\n' {
                let line = String::from_utf8_lossy(&self.partial).into_owned();
                self.partial.clear();
                // NOTE: ignoring errors: a test that stopped reading the log does not need it.
                let _ = self.lines.send(line);
            } else {
                self.partial.push(byte);
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
