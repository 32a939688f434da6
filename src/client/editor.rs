//! The line editor: the bottom of the screen, where the user types, in raw mode through
//! `rustyline`, on a thread named `editor`, which is also the only writer to the socket.
//!
//! Go counterpart: `main` copying `os.Stdin` to `conn` (`io.Copy(conn, os.Stdin)`), where the
//! terminal edits the line and the program sees it only after Enter. Here the client edits it:
//! what has been typed, and the cursor in it, stay on screen while the room talks, because every
//! other line is printed above the editor (see [`super::screen`]).
//!
//! Why `rustyline`: it has an external printer made for exactly this (other threads print above
//! the line being edited), its terminal code is a few plain modules over `nix` (no async, no
//! event loop polling a clock), it measures text by grapheme and display width (CJK, emoji,
//! combining marks), redraws on a window resize, supports bracketed paste, and suspends on
//! Ctrl-Z. reedline has an external printer too, but polls for it on a timer and brings a larger
//! tree (crossterm and more) into a client that otherwise needs four crates.
//!
//! In the chat, Enter does not end `readline`. The line is sent from Enter's key handler, shown
//! above as `[you] > text` through the screen, and cleared from the editor, which stays in raw
//! mode for the whole chat. A `readline` that returned and started again would leave a moment
//! with the terminal in normal mode and the cursor after the user's text, in which the printer
//! writes straight out and an incoming line lands glued to the user's own. So `readline` returns
//! only when the user leaves (Ctrl-C or Ctrl-D on an empty line, or `/quit`), and Up and Down
//! walk a history of our own ([`super::history`], bound in [`super::keys`]), since rustyline only learns a line when
//! `readline` returns it. Choosing an ID is a `readline` per attempt: the server says nothing
//! while it waits for one.
//!
//! Two things rustyline does not do for a chat are added around it: a resize draws the recent
//! lines again (a terminal that rewraps its rows moves the editor's before the editor hears of
//! the new size; see [`super::redraw`]), and a line taller than the window is shown as the rows
//! that fit (see [`super::view`]).

use super::dialogue;
use super::keys::{self, Hooks};
use super::outbox::{self, Outbox, Submitted};
use super::render::{self, LineKind, PROMPT};
use super::screen::{Draw, Stage};
use crossbeam_channel::{Receiver, Sender};
use rustyline::config::Configurer;
use rustyline::error::ReadlineError;
use rustyline::history::MemHistory;
use rustyline::{ColorMode, CompletionType, Config, Editor, ExternalPrinter};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the receiver asks the editor to read next. Sent through an unbounded channel whose
/// other end is the `editor` thread, which reads nothing until asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// An ID, after this (painted) prompt.
    Id(String),
    /// Chat lines, until the user leaves.
    Chat,
}

/// The `editor` thread's line editor and what it needs.
pub struct LineEditor {
    editor: Editor<Hooks, MemHistory>,
    outbox: Arc<Outbox>,
    stage: Arc<Stage>,
}

impl LineEditor {
    /// Sets up the editor and its key bindings. Fails where the terminal cannot be edited (a
    /// `TERM=dumb` terminal, say); the client then works as in a pipe.
    pub fn new(
        stream: Arc<TcpStream>,
        screen: Sender<Draw>,
        stage: Arc<Stage>,
        colour: bool,
    ) -> rustyline::Result<(LineEditor, impl ExternalPrinter + Send + 'static)> {
        let config = Config::builder()
            .auto_add_history(false)
            .completion_type(CompletionType::List)
            .bell_style(rustyline::config::BellStyle::None)
            // Always on, so that the prompt hook runs; our hook paints only if colour is on.
            .color_mode(ColorMode::Forced)
            .build();
        let mut editor = Editor::with_history(config, MemHistory::new())?;
        // A frame stopped half-way at the end (see `Stage::frame`) must not leave the terminal
        // holding back its display.
        editor.enable_synchronized_output(false);
        let printer = editor.create_external_printer()?;
        let outbox = Arc::new(Outbox::new(stream, screen, colour));
        editor.set_helper(Some(Hooks {
            stage: Arc::clone(&stage),
            outbox: Arc::clone(&outbox),
        }));
        keys::bind_keys(&mut editor, &outbox);
        let line_editor = LineEditor {
            editor,
            outbox,
            stage,
        };
        Ok((line_editor, printer))
    }

    /// One `readline`, in step with the screen. `None` when the user leaves (Ctrl-C, Ctrl-D) or
    /// the terminal fails, or when the client is ending.
    fn read(&mut self, prompt: &str, painted: &str) -> Option<String> {
        if !self.stage.begin_read() {
            return None;
        }
        let read = self.editor.readline(&(prompt, painted));
        self.stage.end_read();
        match read {
            Ok(line) => Some(line),
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => None,
            // NOTE: a terminal that fails is treated as the user leaving: nothing more can be
            // read from it.
            Err(_) => None,
        }
    }
}

/// The `editor` thread: answers the first ID prompt with `--id` if given, reads what the
/// receiver asks for, sends it, and leaves when the user does. `left` is the mark the receiver
/// reads at the end of the stream.
pub fn run(
    mut editor: LineEditor,
    asks: Receiver<Ask>,
    auto_id: Option<String>,
    left: &AtomicBool,
) {
    let stream = Arc::clone(&editor.outbox.stream);
    if let Some(id) = auto_id
        && outbox::send(&stream, &id).is_err()
    {
        return; // The server is gone already; the receiver says so.
    }
    for ask in asks.iter() {
        let staying = match ask {
            Ask::Id(prompt) => read_id(&mut editor, &prompt),
            Ask::Chat => {
                chat(&mut editor);
                false
            }
        };
        if !staying {
            break;
        }
    }
    // The mark goes first, so that the end of stream the server answers with is read as ours.
    left.store(true, Ordering::SeqCst);
    // NOTE: ignoring errors: if the socket is already closed, the receiver has seen it too.
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads and sends one ID. False if the user left instead.
fn read_id(editor: &mut LineEditor, painted: &str) -> bool {
    let prompt = render::as_prompt(crate::protocol::ID_PROMPT);
    let Some(id) = editor.read(&prompt, painted) else {
        return false;
    };
    // NOTE: ignoring errors: the screen thread outlives the editor's use of it.
    let _ = editor
        .outbox
        .screen
        .send(Draw::Shown(format!("{painted}{id}")));
    !dialogue::is_quit(id.as_bytes()) && outbox::send(&editor.outbox.stream, &id).is_ok()
}

/// Edits chat lines until the user leaves. Lines are sent by Enter's handler, so `readline`
/// returns only to leave.
fn chat(editor: &mut LineEditor) {
    editor.outbox.chatting.store(true, Ordering::SeqCst);
    let painted = render::paint(LineKind::Own, PROMPT, editor.outbox.colour);
    while let Some(line) = editor.read(PROMPT, &painted) {
        // Only `/quit` ends `readline` this way; any other line is sent as Enter would.
        if editor.outbox.submit(&line) == Submitted::Quit {
            return;
        }
    }
}
