//! The terminal client: connects, shows the server's lines, sends the user's.
//!
//! Go counterpart: the original `client.go`, whose two goroutines map onto threads:
//!
//! | Go                                      | Rust                                    |
//! |-----------------------------------------|-----------------------------------------|
//! | `go` a reader of `conn` printing lines  | `receiver`: the calling thread, [`receive`] |
//! | `main` reading `os.Stdin` into `conn`   | in a pipe or a dumb terminal, `sender`: [`send_input`]; in a terminal, `editor`: [`editor::run`] |
//! | (the terminal's own echo)               | in a terminal, `screen`: [`screen::run`], printing above the line being edited |
//! | (the terminal's own rewrapping)         | in a terminal, `resize`: [`redraw::watch_resizes`], asking the screen to draw again |
//! | (Ctrl-C's default: the process ends)    | in a dumb terminal, `interrupt`: leaving as `/quit` does (see [`line_mode`]) |
//!
//! The roles are swapped relative to Go on purpose: a thread blocked reading standard input cannot
//! be woken, and when the server goes away the client must exit at once. So the receiver, whose end
//! is the client's end, runs on the caller's thread, and the process exits without waiting for
//! the thread that reads the user.
//!
//! One writer per resource: only the sender (or the editor) writes to the socket, the `--id`
//! answer included. In a pipe only the receiver writes to standard output; in a terminal, the
//! editor draws the input line and the screen thread prints every other line above it, in step
//! (see [`screen`]).
//!
//! Leaving: on `/quit`, the end of input, or Ctrl-C or Ctrl-D on an empty line, the reading
//! thread marks the client as leaving, then shuts down its half of the socket; the server sees
//! the end of the stream, says goodbye to the others and closes; the receiver prints whatever
//! still arrives and, at the end of the stream, finds the mark and reports [`Ending::Left`]. An
//! end of stream without the mark is [`Ending::Disconnected`], or, after the server's shutdown
//! notice, [`Ending::ServerStopped`]. `/quit` itself is not forwarded: to the
//! server, the end of the stream means the same, and it is the one signal that also works while
//! the user is still choosing an ID.
//!
//! NOTE: after leaving, the client waits for the server to close the connection (ours does at
//! once). A server that never closes it would keep the client waiting.

pub mod args;
pub mod connect;
pub mod console;
pub mod dialogue;
pub mod editor;
pub mod history;
pub mod keys;
pub mod line_mode;
pub mod outbox;
pub mod redraw;
pub mod render;
pub mod screen;
pub mod terminal;
pub mod view;
pub mod wrap;

pub use args::{ColorChoice, Options};
pub use connect::ConnectError;
pub use console::Ending;

use crate::line_reader::{Line, LineReader};
use crate::{Config, id, protocol};
use console::{Console, Shown};
use editor::{Ask, LineEditor};
use line_mode::LineScreen;
use screen::{Draw, Stage};
use std::io::{self, BufRead, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use terminal::Mode;

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

/// Bytes the receiver reads from the server at a time: std's `BufReader` default, as before the
/// reader learned to pace an over-long line. One client has one connection, so its size is of no
/// account.
const SERVER_READ_BUFFER: usize = 8 * 1024;

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
    let id = options.id;
    if mode == Mode::Terminal {
        let (screen, draws) = crossbeam_channel::unbounded();
        let stage = Arc::new(Stage::default());
        let made = LineEditor::new(
            Arc::clone(&stream),
            screen.clone(),
            Arc::clone(&stage),
            colour,
        );
        if let Ok((editor, printer)) = made {
            terminal::stop_signal_here(false);
            spawn("screen", {
                let stage = Arc::clone(&stage);
                move || screen::run(printer, &stage, draws)
            });
            let resizes = redraw::resizes();
            spawn("resize", {
                let screen = screen.clone();
                move || redraw::watch_resizes(resizes, || screen.send(Draw::Redraw).is_ok())
            });
            return Ok(in_terminal(&stream, editor, &stage, screen, colour, id));
        }
        // A terminal the editor cannot drive (`TERM=dumb`): colour only if asked for.
        let colour = colour && options.color == ColorChoice::Always;
        return Ok(in_dumb_terminal(stream, colour, id));
    }
    Ok(in_pipe(stream, colour, id))
}

/// The client in a terminal: the receiver here, the `editor` and `screen` threads beside it.
fn in_terminal(
    stream: &TcpStream,
    editor: LineEditor,
    stage: &Stage,
    screen: crossbeam_channel::Sender<Draw>,
    colour: bool,
    id: Option<String>,
) -> Ending {
    let restore = terminal::Restore::save();
    let left = Arc::new(AtomicBool::new(false));
    let (asks, asked) = crossbeam_channel::unbounded();
    spawn("editor", {
        let (id, left) = (id.clone(), Arc::clone(&left));
        move || {
            terminal::stop_signal_here(true);
            editor::run(editor, asked, id, &left)
        }
    });
    let mut console = Console::new(Mode::Terminal, colour, id);
    // NOTE: ignoring send errors: the screen and editor threads outlive the receiver's use.
    receive(stream, &mut console, |shown| {
        let _ = match shown {
            Shown::Line(line) => screen.send(Draw::Line(line)).map_err(drop),
            Shown::AskId(prompt) => asks.send(Ask::Id(prompt)).map_err(drop),
            Shown::Chat => asks.send(Ask::Chat).map_err(drop),
        };
    });
    let (ending, last) = console.connection_ended(left.load(Ordering::SeqCst));
    let _ = screen.send(Draw::Close);
    stage.wait_closed();
    if let Some(last) = last {
        // Where the editor's rows were: clear whatever may be left of them, then the notice.
        screen::write_out(&format!("\r\x1b[J{last}\r\n"));
    }
    drop(restore);
    ending
}

/// The client in a pipe: the receiver here, the `sender` thread beside it.
fn in_pipe(stream: Arc<TcpStream>, colour: bool, id: Option<String>) -> Ending {
    let left = Arc::new(AtomicBool::new(false));
    spawn("sender", {
        let (stream, id, left) = (Arc::clone(&stream), id.clone(), Arc::clone(&left));
        move || send_input(&stream, id, &left, || ())
    });
    let mut console = Console::new(Mode::Plain, colour, id);
    receive(&stream, &mut console, |shown| {
        if let Shown::Line(line) = shown {
            screen::write_out(&format!("{line}\n"));
        }
    });
    let (ending, last) = console.connection_ended(left.load(Ordering::SeqCst));
    if let Some(last) = last {
        screen::write_out(&format!("{last}\n"));
    }
    ending
}

/// The client in a terminal the line editor cannot drive: the receiver here, the `sender` and
/// `interrupt` threads beside it (see [`line_mode`]).
fn in_dumb_terminal(stream: Arc<TcpStream>, colour: bool, id: Option<String>) -> Ending {
    let left = Arc::new(AtomicBool::new(false));
    let screen = Arc::new(LineScreen::new(colour));
    let interrupts = line_mode::interrupts();
    spawn("interrupt", {
        let (stream, left) = (Arc::clone(&stream), Arc::clone(&left));
        move || line_mode::leave_on_ctrl_c(interrupts, &stream, &left)
    });
    spawn("sender", {
        let (stream, id, left) = (Arc::clone(&stream), id.clone(), Arc::clone(&left));
        let screen = Arc::clone(&screen);
        move || send_input(&stream, id, &left, || screen.prompt_again())
    });
    let mut console = Console::new(Mode::Terminal, colour, id);
    receive(&stream, &mut console, |shown| screen.show(shown));
    let (ending, last) = console.connection_ended(left.load(Ordering::SeqCst));
    screen.end(last);
    ending
}

fn spawn(name: &str, role: impl FnOnce() + Send + 'static) {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(role)
        .expect("the system can start the client's few extra threads");
}

/// The `receiver`: hands what each line from the server means to `show`, until the connection
/// ends.
pub fn receive(stream: &TcpStream, console: &mut Console, mut show: impl FnMut(Shown)) {
    let bound = max_server_line();
    let mut reader = LineReader::new(stream, SERVER_READ_BUFFER, bound);
    loop {
        match reader.read_line() {
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
            Ok(Line::Discarded) => {}
            Ok(Line::End) | Err(_) => return,
        }
    }
}

/// The `sender`, in a pipe: answers the first ID prompt with `--id` if given, then sends each
/// line of standard input until `/quit` or its end, and then leaves, marking `left` first.
/// `sent` runs after each line is sent (in a dumb terminal, it prompts for the next).
pub fn send_input(stream: &TcpStream, id: Option<String>, left: &AtomicBool, sent: impl Fn()) {
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
        if dialogue::is_quit(&line) {
            break;
        }
        if write_line(stream, &line).is_err() {
            return;
        }
        sent();
    }
    // The mark goes first, so that the end of stream the server answers with is read as ours.
    left.store(true, Ordering::SeqCst);
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
