//! The terminal client: connects, shows the server's lines, sends the user's.
//!
//! Go counterpart: the original `client.go`, whose two goroutines map onto threads:
//!
//! | Go                                      | Rust, in a terminal                      | Rust, in a pipe or a dumb terminal |
//! |-----------------------------------------|------------------------------------------|------------------------------------|
//! | `go readMessages(conn)`: a reader of `conn`, printing each line | `receiver`: [`receive`], handing each line to the owner | the main thread: [`receive`], printing each line ([`line_mode`]) |
//! | `main` reading `os.Stdin` into `conn`   | `keys`: reading key presses for the owner; the main thread, the terminal's owner ([`screen`]), edits the line, prints every line above it and writes each sent line to `conn` | `sender`: reading lines of standard input into `conn` |
//! | (Ctrl-C's default: the process ends)    | (a key like any other)                   | in a dumb terminal, `interrupt`: leaving as `/quit` does |
//!
//! So a terminal holds three threads, each named (`client`, the main thread, is the owner), as
//! the Go client holds two goroutines and the terminal's own line editing. One writer per
//! resource, as in the server: in a terminal only the owner writes to the screen and to the
//! socket (the `--id` answer included), and the others send it events (see [`screen`]); in a
//! pipe only the main thread writes to standard output and only the `sender` to the socket.
//!
//! Leaving: on `/quit`, the end of input, or Ctrl-C or Ctrl-D on an empty line, the client
//! marks itself as leaving, then shuts down its half of the socket; the server sees the end of
//! the stream, says goodbye to the others and closes; the receiver passes on whatever still
//! arrives and, at the end of the stream, finds the mark and reports [`Ending::Left`]. An end of
//! stream without the mark is [`Ending::Disconnected`], or, after the server's shutdown notice,
//! [`Ending::ServerStopped`]. `/quit` itself is not forwarded: to the server, the end of the
//! stream means the same, and it is the one signal that also works while the user is still
//! choosing an ID. At the end the main thread returns and the process exits; the thread still
//! waiting for the user's input (`keys` or `sender`) ends with it, since a thread blocked
//! reading standard input cannot be woken.
//!
//! NOTE: after leaving, the client waits for the server to close the connection (ours does at
//! once). A server that never closes it would keep the client waiting.

pub mod args;
pub mod connect;
pub mod console;
pub mod dialogue;
pub mod frame;
pub mod history;
pub mod input;
pub mod line_mode;
pub mod owner;
pub mod render;
pub mod screen;
pub mod terminal;
pub mod wrap;

pub use args::{ColorChoice, Options};
pub use connect::ConnectError;
pub use console::Ending;

use crate::line_reader::{self, Line};
use crate::{Config, id, protocol};
use console::{Console, Shown};
use std::io::{self, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use terminal::{Mode, Raw};

/// The most bytes an ID can take on the wire: UTF-8 spends up to four bytes on a character, and
/// IDs may be written in any script (CJK extension B, for one, takes four bytes a letter).
pub const MAX_ID_BYTES: usize = id::MAX_ID_CHARS * 4;

/// The longest line from the server the client will show, in bytes: the longest user list a
/// server with the default `--max-clients` can send, every ID at its longest in bytes (1,000
/// IDs of 32 four-byte characters: 130,027 bytes). A chat line (an ID and at most `--max-line`
/// bytes) is far shorter. The bound matters against a misbehaving server, which could otherwise
/// grow the client's memory without end; a line over it is replaced by a notice.
pub fn max_server_line() -> usize {
    longest_user_list(Config::default().max_clients)
}

/// The longest user list the server can send to a room of `users`, in bytes: every ID at
/// [`MAX_ID_BYTES`], with the longer of the two list prefixes.
pub const fn longest_user_list(users: usize) -> usize {
    let separators = users.saturating_sub(1) * ", ".len();
    protocol::CURRENT_USERS_PREFIX.len()
        + users * MAX_ID_BYTES
        + separators
        + protocol::USER_LIST_SUFFIX.len()
}

/// Connects, chats until the user leaves or the server goes away, and says which it was.
pub fn run(options: Options) -> Result<Ending, ConnectError> {
    let stream = Arc::new(connect::connect(&options.addr)?);
    let (mode, colour) = terminal::detect(options.color);
    if mode == Mode::Terminal
        && let Ok(raw) = Raw::enter()
    {
        return Ok(screen::run(stream, raw, colour, options.id));
    }
    // A terminal that cannot be put in raw mode is edited by the terminal, as a dumb one.
    let mode = if mode == Mode::Terminal {
        Mode::Dumb
    } else {
        mode
    };
    Ok(line_mode::run(stream, mode, colour, options.id))
}

fn spawn(name: &str, role: impl FnOnce() + Send + 'static) {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(role)
        .expect("the system can start the client's two extra threads");
}

/// The `receiver`'s work: hands what each line from the server means to `show`, until the connection
/// ends.
pub fn receive(stream: &TcpStream, console: &mut Console, mut show: impl FnMut(Shown)) {
    let mut reader = BufReader::new(stream);
    let bound = max_server_line();
    loop {
        match line_reader::read_line(&mut reader, bound) {
            // Sanitized again here: a client must not trust a server (or `nc -l`) with its
            // terminal's escape codes any more than the server trusts its clients.
            Ok(Line::Complete(raw)) => {
                console
                    .server_line(&protocol::sanitize(&raw))
                    .into_iter()
                    .for_each(&mut show);
            }
            Ok(Line::TooLong) => show(Shown::Line(console.notice(&format!(
                "** A line over {bound} bytes from the server was not shown **"
            )))),
            Ok(Line::End) | Err(_) => return,
        }
    }
}

/// Sends one line to the server.
fn send(mut stream: &TcpStream, line: &[u8]) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line);
    bytes.push(b'\n');
    stream.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_user_list_is_as_long_as_a_real_one() {
        let longest = "\u{20000}".repeat(id::MAX_ID_CHARS);
        assert_eq!(id::validate(&longest).as_deref(), Ok(longest.as_str()));
        assert_eq!(longest.len(), MAX_ID_BYTES);
        let ids = vec![longest.as_str(); 3];
        assert_eq!(
            longest_user_list(3),
            protocol::current_users_line(&ids).len()
        );
        assert!(protocol::users_line(&ids).len() <= longest_user_list(3));
        assert_eq!(max_server_line(), 130_027);
    }
}
