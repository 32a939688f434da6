//! The client in a terminal the line editor cannot drive (`TERM=dumb`, an old serial console, an
//! editor's shell buffer): the terminal edits the line itself, as in the Go original, and the
//! client still shows the prompts and leaves cleanly on Ctrl-C.
//!
//! Go counterpart: the whole original client, which always works this way. Here the receiver
//! prints each line from the server on a row of its own, then the prompt again (`[you] > `, or
//! `Enter your ID: `, typed after on the same row), as [`LineScreen`] says; the `sender` reads
//! whole lines from the terminal, as in a pipe ([`super::send_input`]), and prompts again after
//! each. A line typed while another arrives is still
//! sent whole (the terminal holds it), though the screen shows it cut in two: a terminal that
//! cannot move the cursor cannot do better.
//!
//! Ctrl-C would end the process at once (exit code 130) with the terminal in its normal mode, so
//! an `interrupt` thread takes the signal instead and leaves the room, as `/quit` does.

use super::console::Shown;
use super::render::{self, LineKind, PROMPT};
use super::screen::write_out;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};

/// What a dumb terminal is shown. Used by the receiver and the `sender` both.
pub struct LineScreen {
    /// `[you] > `, painted.
    prompt: String,
    /// The chat has begun: every line is followed by the prompt.
    chatting: AtomicBool,
}

impl LineScreen {
    pub fn new(colour: bool) -> LineScreen {
        LineScreen {
            prompt: render::paint(LineKind::Own, PROMPT, colour),
            chatting: AtomicBool::new(false),
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

    /// The last line, over the prompt.
    pub fn end(&self, last: Option<String>) {
        write_out(&format!("\r{}\n", last.unwrap_or_default()));
    }
}

/// Ctrl-C's signal (SIGINT), taken from its default, which ends the process; `None` (and
/// Ctrl-C ends the client abruptly, as in the Go original) if it cannot be. Taken before the
/// first prompt, so that no Ctrl-C comes before the `interrupt` thread is ready.
#[cfg(unix)]
pub fn interrupts() -> Option<signal_hook::iterator::Signals> {
    signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]).ok()
}

/// The `interrupt` thread: at Ctrl-C, leaves as `/quit` does: the mark first, then the end of
/// the stream, which the server answers by closing.
#[cfg(unix)]
pub fn leave_on_ctrl_c(
    interrupts: Option<signal_hook::iterator::Signals>,
    stream: &TcpStream,
    left: &AtomicBool,
) {
    if let Some(mut interrupts) = interrupts
        && interrupts.forever().next().is_some()
    {
        left.store(true, Ordering::SeqCst);
        // NOTE: ignoring errors: if the socket is already closed, the receiver has seen it too.
        let _ = stream.shutdown(Shutdown::Write);
    }
}

#[cfg(not(unix))]
pub fn interrupts() -> Option<()> {
    None
}

#[cfg(not(unix))]
pub fn leave_on_ctrl_c(_: Option<()>, _: &TcpStream, _: &AtomicBool) {}
