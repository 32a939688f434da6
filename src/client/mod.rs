//! The terminal client: connects, shows the server's lines, sends the user's.
//!
//! Go counterpart: the original `client.go`, whose two goroutines map onto two threads:
//!
//! | Go                                      | Rust                                    |
//! |-----------------------------------------|-----------------------------------------|
//! | `go` a reader of `conn` printing lines  | `receiver`: the calling thread, [`receive`] |
//! | `main` reading `os.Stdin` into `conn`   | `sender`: a thread named `sender`, [`send_input`] |
//!
//! The roles are swapped relative to Go on purpose: a thread blocked reading standard input cannot
//! be woken, and when the server goes away the client must exit at once. So the receiver, whose end
//! is the client's end, runs on the caller's thread, and the process exits without waiting for
//! the sender.
//!
//! One writer per resource: only the sender writes to the socket (the `--id` answer included), and
//! everything on screen goes through the one [`console::Console`] behind a mutex.
//!
//! Leaving: on `/quit` or end of input the sender marks the console as leaving, then shuts down
//! its half of the socket; the server sees the end of the stream, says goodbye to the others and
//! closes; the receiver prints whatever still arrives and, at the end of the stream, finds the mark
//! and reports [`Ending::Left`]. An end of stream without the mark is [`Ending::Disconnected`].
//! `/quit` itself is not forwarded: to the server, the end of the stream means the same, and it
//! is the one signal that also works while the user is still choosing an ID.
//!
//! NOTE: after leaving, the client waits for the server to close the connection (ours does at
//! once). A server that never closes it would keep the client waiting.

pub mod args;
pub mod connect;
pub mod console;
pub mod dialogue;
pub mod render;
pub mod terminal;

pub use args::{ColorChoice, Options};
pub use connect::ConnectError;
pub use console::Ending;

use crate::line_reader::{self, Line};
use crate::protocol;
use console::{Console, SharedConsole};
use dialogue::Typed;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::thread;

/// The longest line from the server the client will show, in bytes. The server's own limit on a
/// message (4096 bytes) plus an ID fits many times over; the bound only matters against a
/// misbehaving server, which could otherwise grow the client's memory without end.
pub const MAX_SERVER_LINE: usize = 64 * 1024;

/// Connects, chats until the user leaves or the server goes away, and says which it was.
pub fn run(options: Options) -> Result<Ending, ConnectError> {
    let stream = Arc::new(connect::connect(&options.addr)?);
    let (mode, colour) = terminal::detect(options.color);
    let console = Console::for_stdout(mode, colour, options.id.clone());
    thread::Builder::new()
        .name("sender".to_string())
        .spawn({
            let stream = Arc::clone(&stream);
            let console = Arc::clone(&console);
            move || send_input(&stream, &console, options.id)
        })
        .expect("the system can start the client's one extra thread");
    Ok(receive(&stream, &console))
}

/// The `receiver`: shows each line from the server until the connection ends.
pub fn receive(stream: &TcpStream, console: &SharedConsole) -> Ending {
    let mut reader = BufReader::new(stream);
    loop {
        match line_reader::read_line(&mut reader, MAX_SERVER_LINE) {
            // Sanitized again here: a client must not trust a server (or `nc -l`) with its
            // terminal's escape codes any more than the server trusts its clients.
            Ok(Line::Complete(raw)) => console.lock().server_line(&protocol::sanitize(&raw)),
            Ok(Line::TooLong) => console.lock().notice(&format!(
                "** A line over {MAX_SERVER_LINE} bytes from the server was not shown **"
            )),
            Ok(Line::End) | Err(_) => return console.lock().connection_ended(),
        }
    }
}

/// The `sender`: answers the first ID prompt with `--id` if given, then sends each line of
/// standard input until `/quit` or its end, and then leaves.
pub fn send_input(stream: &TcpStream, console: &SharedConsole, id: Option<String>) {
    if let Some(id) = id
        && write_line(stream, id.as_bytes()).is_err()
    {
        return; // The server is gone already; the receiver says so.
    }
    let mut input = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => trim_line_ending(&mut line),
        }
        let typed = console.lock().typed(&line);
        if typed == Typed::Quit {
            break;
        }
        if write_line(stream, &line).is_err() {
            return;
        }
    }
    // The mark goes first, so that the end of stream the server answers with is read as ours.
    console.lock().leave();
    // NOTE: ignoring errors: if the socket is already closed, the receiver has seen it too.
    let _ = stream.shutdown(Shutdown::Write);
}

fn trim_line_ending(line: &mut Vec<u8>) {
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
}

fn write_line(mut stream: &TcpStream, line: &[u8]) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line);
    bytes.push(b'\n');
    stream.write_all(&bytes)
}
