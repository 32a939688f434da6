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
//! walk a history of our own ([`super::history`]), since rustyline only learns a line when
//! `readline` returns it. Choosing an ID is a `readline` per attempt: the server says nothing
//! while it waits for one.

use super::dialogue::{self, Phase, Typed};
use super::history::History;
use super::render::{self, LineKind, PROMPT};
use super::screen::{Draw, Stage};
use crate::config;
use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;
use rustyline::completion::Completer;
use rustyline::config::Configurer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::MemHistory;
use rustyline::line_buffer::LineBuffer;
use rustyline::validate::Validator;
use rustyline::{
    Changeset, Cmd, ColorMode, CompletionType, ConditionalEventHandler, Config, Context, Editor,
    Event, EventContext, EventHandler, ExternalPrinter, Helper, KeyCode, KeyEvent, Modifiers,
    Movement, RepeatCount,
};
use std::borrow::Cow;
use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The longest line the editor sends, in bytes. The server's `--max-line` default: the client
/// cannot ask a server for its setting, and a longer line would be refused whole. Without the
/// check the user learns only after sending, and the line is gone from the editor.
pub const MAX_TYPED_LINE: usize = config::DEFAULT_MAX_LINE;

/// What the receiver asks the editor to read next. Sent through an unbounded channel whose
/// other end is the `editor` thread, which reads nothing until asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// An ID, after this (painted) prompt.
    Id(String),
    /// Chat lines, until the user leaves.
    Chat,
}

/// What the editor's key handlers share with the thread that runs it.
struct Outbox {
    stream: Arc<TcpStream>,
    screen: Sender<Draw>,
    colour: bool,
    /// Set once the chat begins; until then Enter ends `readline` as usual.
    chatting: AtomicBool,
    /// Locked only on the `editor` thread (key handlers must be `Sync`).
    history: Mutex<History>,
    /// A line Up or Down has picked, for the completion hook to put in the editor (see
    /// [`Recall`]).
    recalled: Mutex<Option<String>>,
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
        let outbox = Arc::new(Outbox {
            stream,
            screen,
            colour,
            chatting: AtomicBool::new(false),
            history: Mutex::new(History::default()),
            recalled: Mutex::new(None),
        });
        editor.set_helper(Some(Hooks {
            stage: Arc::clone(&stage),
            outbox: Arc::clone(&outbox),
        }));
        bind_keys(&mut editor, &outbox);
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
        && send(&stream, &id).is_err()
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
    !dialogue::is_quit(id.as_bytes()) && send(&editor.outbox.stream, &id).is_ok()
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

/// What became of a line the user submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Submitted {
    /// Sent (or dropped, if blank): clear the editor.
    Sent,
    /// Too long: sent nothing, keep it in the editor to shorten.
    Kept,
    /// `/quit`: leave.
    Quit,
}

impl Outbox {
    /// Sends what the editor holds, a line at a time (a paste may hold several), each shown
    /// above as the user's own; unless one is over the server's limit, in which case nothing is
    /// sent and the user is told.
    fn submit(&self, text: &str) -> Submitted {
        let lines: Vec<&str> = text.split('\n').collect();
        if let Some(long) = lines.iter().find(|line| line.len() > MAX_TYPED_LINE) {
            self.show(render::paint(
                LineKind::System,
                &too_long(long.len()),
                self.colour,
            ));
            return Submitted::Kept;
        }
        for line in lines {
            let shown = match dialogue::classify_typed(Phase::Chatting, line.as_bytes()) {
                Typed::Quit => return Submitted::Quit,
                Typed::Blank => continue,
                Typed::Message(said) => self.paint(LineKind::Own, &render::own_line(&said)),
                Typed::Command | Typed::Id => {
                    format!("{}{line}", self.paint(LineKind::Own, PROMPT))
                }
            };
            self.history.lock().push(line);
            // Shown before it is sent, so that no answer to it can be printed above it.
            self.show(shown);
            // NOTE: ignoring errors: if the server is gone, the receiver says so.
            let _ = send(&self.stream, line);
        }
        Submitted::Sent
    }

    fn show(&self, painted: String) {
        // NOTE: ignoring errors: the screen thread outlives the editor's use of it.
        let _ = self.screen.send(Draw::Line(painted));
    }

    fn paint(&self, kind: LineKind, text: &str) -> String {
        render::paint(kind, text, self.colour)
    }
}

/// The notice for a line over [`MAX_TYPED_LINE`].
pub fn too_long(bytes: usize) -> String {
    format!(
        "** Line too long ({bytes} bytes, max {MAX_TYPED_LINE}); not sent: shorten it and press Enter **"
    )
}

fn send(mut stream: &TcpStream, line: &str) -> io::Result<()> {
    stream.write_all(format!("{line}\n").as_bytes())
}

fn bind_keys(editor: &mut Editor<Hooks, MemHistory>, outbox: &Arc<Outbox>) {
    let enter = || EventHandler::Conditional(Box::new(Enter(Arc::clone(outbox))));
    editor.bind_sequence(KeyEvent(KeyCode::Enter, Modifiers::NONE), enter());
    editor.bind_sequence(KeyEvent::ctrl('J'), enter());
    editor.bind_sequence(KeyEvent::ctrl('M'), enter());
    editor.bind_sequence(
        KeyEvent::ctrl('C'),
        EventHandler::Conditional(Box::new(Interrupt)),
    );
    let recall = |older| EventHandler::Conditional(Box::new(Recall(Arc::clone(outbox), older)));
    for (key, older) in [
        (KeyEvent(KeyCode::Up, Modifiers::NONE), true),
        (KeyEvent::ctrl('P'), true),
        (KeyEvent(KeyCode::Down, Modifiers::NONE), false),
        (KeyEvent::ctrl('N'), false),
    ] {
        editor.bind_sequence(key, recall(older));
    }
}

/// Enter in the chat: send, and clear the editor (see the module docs for why `readline` goes on).
struct Enter(Arc<Outbox>);

impl ConditionalEventHandler for Enter {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        if !self.0.chatting.load(Ordering::SeqCst) {
            return None;
        }
        Some(match self.0.submit(ctx.line()) {
            Submitted::Sent => Cmd::Kill(Movement::WholeBuffer),
            Submitted::Kept => Cmd::Noop,
            Submitted::Quit => Cmd::AcceptLine,
        })
    }
}

/// Ctrl-C leaves on an empty line, and clears the line otherwise, as in a shell.
struct Interrupt;

impl ConditionalEventHandler for Interrupt {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        Some(if ctx.line().is_empty() {
            Cmd::Interrupt
        } else {
            Cmd::Kill(Movement::WholeBuffer)
        })
    }
}

/// Up (`true`) or Down through this session's sent lines. A key handler can only answer with
/// a command, and none of rustyline's commands replaces the line and puts the cursor at its end;
/// completion does (through [`Completer::update`]), so the picked line is handed to the
/// completion hook and the key asks for completion. Tab finds nothing to complete.
struct Recall(Arc<Outbox>, bool);

impl ConditionalEventHandler for Recall {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let mut history = self.0.history.lock();
        let line = if self.1 {
            history.older(ctx.line())
        } else {
            history.newer()
        };
        *self.0.recalled.lock() = Some(line?.to_string());
        Some(Cmd::Complete)
    }
}

/// The editor's hooks: no hints or validation; completion puts in a recalled line, and the
/// prompt hook tells the screen that a frame is being drawn (see [`Stage::frame`]).
struct Hooks {
    stage: Arc<Stage>,
    outbox: Arc<Outbox>,
}

impl Completer for Hooks {
    type Candidate = String;

    fn complete(
        &self,
        _: &str,
        _: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok((0, self.outbox.recalled.lock().take().into_iter().collect()))
    }

    fn update(&self, line: &mut LineBuffer, _: usize, elected: &str, changes: &mut Changeset) {
        line.update(elected, elected.len(), changes);
    }
}

impl Hinter for Hooks {
    type Hint = String;
}

impl Validator for Hooks {}

impl Helper for Hooks {}

impl Highlighter for Hooks {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, _: bool) -> Cow<'b, str> {
        self.stage.frame();
        Cow::Borrowed(prompt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_too_long_notice_names_both_sizes() {
        assert_eq!(
            too_long(5000),
            "** Line too long (5000 bytes, max 4096); not sent: shorten it and press Enter **"
        );
    }
}
