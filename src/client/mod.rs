//! The terminal client: connects, shows the server's lines, sends the user's.
//!
//! Go counterpart: the original `client.go`, whose two goroutines map onto threads:
//!
//! | Go                                      | Rust, in a terminal                      | Rust, in a pipe or a dumb terminal |
//! |-----------------------------------------|------------------------------------------|------------------------------------|
//! | `go readMessages(conn)`: a reader of `conn`, printing each line | `receiver`: [`connect::receive`], handing each line to the owner | the main thread: [`connect::receive`], printing each line ([`line_mode`]) |
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
//! arrives, and at the end of the stream the mark makes it [`Ending::Left`]. An end of stream
//! without the mark is [`Ending::Disconnected`], or, after the server's shutdown notice,
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
pub use connect::{ConnectError, MAX_ID_BYTES, longest_user_list, max_server_line};
pub use console::Ending;

use std::sync::Arc;
use terminal::{Mode, Raw};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{id, protocol};

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
