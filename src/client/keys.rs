//! What the keys do in the line editor, where rustyline's defaults are not what a chat needs:
//! Enter sends without ending `readline`, Ctrl-C clears or leaves, Up and Down walk this
//! session's sent lines; and the editor's hooks.
//!
//! Go counterpart: none; the original leaves every key to the terminal. Each handler here
//! answers a key with one of rustyline's commands; the reasons for each are on the handler.

use super::outbox::{Outbox, Submitted};
use super::screen::Stage;
use super::{terminal, view, wrap};
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::MemHistory;
use rustyline::line_buffer::LineBuffer;
use rustyline::validate::Validator;
use rustyline::{
    Changeset, Cmd, ConditionalEventHandler, Context, Editor, Event, EventContext, EventHandler,
    Helper, KeyCode, KeyEvent, Modifiers, Movement, RepeatCount,
};
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Binds Enter (and Ctrl-J, Ctrl-M), Ctrl-C, Up and Down (and Ctrl-P, Ctrl-N) to the handlers
/// below; every other key keeps rustyline's emacs binding.
pub fn bind_keys(editor: &mut Editor<Hooks, MemHistory>, outbox: &Arc<Outbox>) {
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

/// Enter in the chat: send, and clear the editor (see `super::editor` for why `readline` goes on).
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

/// The editor's hooks: no hints or validation; completion puts in a recalled line; the
/// highlighting hooks tell the screen that a frame is being drawn (see [`Stage::frame`]) and what
/// it holds, and show no more of a line than the window holds.
pub struct Hooks {
    pub stage: Arc<Stage>,
    pub outbox: Arc<Outbox>,
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
        self.stage.drawn.lock().prompt = wrap::plain(prompt);
        Cow::Borrowed(prompt)
    }

    /// The line, or as much of it as fits the window (see [`view`]).
    fn highlight<'l>(&self, line: &'l str, cursor: usize) -> Cow<'l, str> {
        let mut drawn = self.stage.drawn.lock();
        let shown = view::visible(&drawn.prompt, line, cursor, terminal::window_size());
        drawn.rows = shown.rows;
        shown.text
    }
}
