//! The client in a terminal the line editor cannot drive (`TERM=dumb`, an old serial console, an
//! editor's shell buffer): the terminal edits the line itself, as in the Go original, and the
//! client still shows the prompts and leaves cleanly on Ctrl-C.
//!
//! Go counterpart: the whole original client, which always works this way. Here the receiver
//! prints each line from the server on a row of its own, then the prompt again (`[you] > `, or
//! `Enter your ID: `, typed after on the same row); the `sender` reads whole lines from the
//! terminal, as in a pipe ([`super::send_input`]). A line typed while another arrives is still
//! sent whole (the terminal holds it), though the screen shows it cut in two: a terminal that
//! cannot move the cursor cannot do better.
//!
//! Ctrl-C would end the process at once (exit code 130) with the terminal in its normal mode, so
//! an `interrupt` thread takes the signal instead and leaves the room, as `/quit` does.

use super::console::{Console, Ending, Shown};
use super::render::{LineKind, PROMPT};
use super::screen::write_out;
use super::terminal::Mode;
use super::{receive, render, send_input, spawn};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The client in a terminal without a line editor: the receiver here, the `sender` and
/// `interrupt` threads beside it.
pub fn run(stream: Arc<TcpStream>, colour: bool, id: Option<String>) -> Ending {
    let left = Arc::new(AtomicBool::new(false));
    let chatting = Arc::new(AtomicBool::new(false));
    let prompt = render::paint(LineKind::Own, PROMPT, colour);
    spawn("sender", {
        let (stream, id, left) = (Arc::clone(&stream), id.clone(), Arc::clone(&left));
        let (chatting, prompt) = (Arc::clone(&chatting), prompt.clone());
        // The terminal has echoed the line and Enter; the next line gets its prompt.
        let prompted = move || {
            if chatting.load(Ordering::SeqCst) {
                write_out(&prompt);
            }
        };
        move || send_input(&stream, id, &left, prompted)
    });
    // Taken here, before the first prompt, so that no Ctrl-C can come before the thread is ready.
    let interrupts = interrupts();
    spawn("interrupt", {
        let (stream, left) = (Arc::clone(&stream), Arc::clone(&left));
        move || leave_on_ctrl_c(interrupts, &stream, &left)
    });
    let mut console = Console::new(Mode::Terminal, colour, id);
    receive(&stream, &mut console, |shown| match shown {
        Shown::Line(line) if chatting.load(Ordering::SeqCst) => {
            write_out(&format!("\r{line}\n{prompt}"))
        }
        Shown::Line(line) => write_out(&format!("{line}\n")),
        Shown::AskId(asked) => write_out(&asked),
        Shown::Chat => {
            chatting.store(true, Ordering::SeqCst);
            write_out(&prompt);
        }
    });
    let (ending, last) = console.connection_ended(left.load(Ordering::SeqCst));
    write_out(&format!("\r{}\n", last.unwrap_or_default()));
    ending
}

/// Ctrl-C's signal (SIGINT), taken from its default, which ends the process; `None` (and
/// Ctrl-C ends the client abruptly, as in the Go original) if it cannot be.
#[cfg(unix)]
fn interrupts() -> Option<signal_hook::iterator::Signals> {
    signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]).ok()
}

/// The `interrupt` thread: at Ctrl-C, leaves as `/quit` does: the mark first, then the end of
/// the stream, which the server answers by closing.
#[cfg(unix)]
fn leave_on_ctrl_c(
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
fn interrupts() -> Option<()> {
    None
}

#[cfg(not(unix))]
fn leave_on_ctrl_c(_: Option<()>, _: &TcpStream, _: &AtomicBool) {}
