//! The client where it does not edit the line: in a pipe (a script), and in a terminal that
//! cannot move the cursor (`TERM=dumb`, an old serial console, an editor's shell buffer), where
//! the terminal edits the line itself, as for the Go original.
//!
//! Go counterpart: the whole original client, which always works this way: a reader of the
//! connection printing lines (here the `receiver`, on the calling thread) and `main` copying
//! standard input to the connection (here the `sender`). In a pipe every line from the server is
//! printed as it is, so a script's output is exactly the server's side of the dialogue. In a
//! dumb terminal each line from the server is printed on a row of its own, then the prompt again
//! (`[you] > `, or `Enter your ID: `, typed after on the same row), as [`LineScreen`] says, and
//! the sender prompts again after each line it sends. A line typed while another arrives is still
//! sent whole (the terminal holds it), though the screen shows it cut in two: a terminal that
//! cannot move the cursor cannot do better.
//!
//! Ctrl-C would end the process at once (exit code 130) with the terminal in its normal mode, so
//! in a dumb terminal an `interrupt` thread takes the signal instead and leaves the room, as
//! `/quit` does.

use super::connect::{receive, send, spawn};
use super::console::{Console, Ending, Shown};
use super::dialogue;
use super::render::{self, LineKind, PROMPT};
use super::terminal::{Mode, write_out};
use std::io::{self, BufRead};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Chats in `mode` (a pipe, or a dumb terminal) until the user leaves or the server goes away.
pub fn run(stream: Arc<TcpStream>, mode: Mode, colour: bool, id: Option<String>) -> Ending {
    let left = Arc::new(AtomicBool::new(false));
    let screen = Arc::new(LineScreen::new(colour, mode != Mode::Plain));
    if mode != Mode::Plain {
        let interrupts = interrupts();
        spawn("interrupt", {
            let (stream, left) = (Arc::clone(&stream), Arc::clone(&left));
            move || leave_on_ctrl_c(interrupts, &stream, &left)
        });
    }
    spawn("sender", {
        let (stream, id, left) = (Arc::clone(&stream), id.clone(), Arc::clone(&left));
        let screen = Arc::clone(&screen);
        move || send_input(&stream, id, &left, || screen.prompt_again())
    });
    let mut console = Console::new(mode, colour, id);
    receive(&stream, &mut console, |shown| screen.show(shown));
    let (ending, last) = console.connection_ended(left.load(Ordering::SeqCst));
    screen.end(last);
    ending
}

/// The `sender`: answers the first ID prompt with `--id` if given, then sends each line of
/// standard input until `/quit` or its end, and then leaves, marking `left` first. `sent` runs
/// after each line is sent (in a dumb terminal, it prompts for the next).
fn send_input(stream: &TcpStream, id: Option<String>, left: &AtomicBool, sent: impl Fn()) {
    if let Some(id) = id
        && send(stream, id.as_bytes()).is_err()
    {
        return; // The server is gone already; the receiver says so.
    }
    for line in io::stdin().lock().split(b'\n') {
        let Ok(mut line) = line else { break };
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if dialogue::is_quit(&line) {
            break;
        }
        if send(stream, &line).is_err() {
            return;
        }
        sent();
    }
    leave(stream, left);
}

/// The mark goes first, so that the end of stream the server answers with is read as ours.
fn leave(stream: &TcpStream, left: &AtomicBool) {
    left.store(true, Ordering::SeqCst);
    // NOTE: ignoring errors: if the socket is already closed, the receiver has seen it too.
    let _ = stream.shutdown(Shutdown::Write);
}

/// What a pipe or a dumb terminal is shown. Used by the receiver and the `sender` both; in a
/// pipe the chat never begins (the console asks for no prompt), so neither prompts.
pub struct LineScreen {
    /// `[you] > `, painted.
    prompt: String,
    /// The chat has begun: every line is followed by the prompt.
    chatting: AtomicBool,
    /// A dumb terminal, where the last line goes over whatever prompt is on its row.
    terminal: bool,
}

impl LineScreen {
    pub fn new(colour: bool, terminal: bool) -> LineScreen {
        LineScreen {
            prompt: render::paint(LineKind::Own, PROMPT, colour),
            chatting: AtomicBool::new(false),
            terminal,
        }
    }

    /// Shows what the receiver made of a line from the server.
    pub fn show(&self, shown: Shown) {
        let chatting = self.chatting.load(Ordering::SeqCst);
        match shown {
            // Back to the row's start, over the prompt, then the prompt again below.
            Shown::Line(line) if chatting => write_out(&format!("\r{line}\n{}", self.prompt)),
            Shown::Line(line) => write_out(&format!("{line}\n")),
            Shown::AskId(asked) => write_out(&asked),
            Shown::Chat => {
                self.chatting.store(true, Ordering::SeqCst);
                write_out(&self.prompt);
            }
        }
    }

    /// The terminal has echoed a line the user sent, and Enter: the next line gets its prompt.
    pub fn prompt_again(&self) {
        if self.chatting.load(Ordering::SeqCst) {
            write_out(&self.prompt);
        }
    }

    /// The last line; in a terminal, over the prompt.
    pub fn end(&self, last: Option<String>) {
        match (self.terminal, last) {
            (true, last) => write_out(&format!("\r{}\n", last.unwrap_or_default())),
            (false, Some(last)) => write_out(&format!("{last}\n")),
            (false, None) => {}
        }
    }
}

/// Ctrl-C's signal (SIGINT), taken from its default, which ends the process; `None` (and
/// Ctrl-C ends the client abruptly, as in the Go original) if it cannot be. Taken before the
/// first prompt, so that no Ctrl-C comes before the `interrupt` thread is ready.
#[cfg(unix)]
fn interrupts() -> Option<signal_hook::iterator::Signals> {
    signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]).ok()
}

/// The `interrupt` thread: at Ctrl-C, leaves as `/quit` does.
#[cfg(unix)]
fn leave_on_ctrl_c(
    interrupts: Option<signal_hook::iterator::Signals>,
    stream: &TcpStream,
    left: &AtomicBool,
) {
    if let Some(mut interrupts) = interrupts
        && interrupts.forever().next().is_some()
    {
        leave(stream, left);
    }
}

#[cfg(not(unix))]
fn interrupts() -> Option<()> {
    None
}

#[cfg(not(unix))]
fn leave_on_ctrl_c(_: Option<()>, _: &TcpStream, _: &AtomicBool) {}
