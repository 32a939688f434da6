//! The screen in a terminal: every line the user reads is printed *above* the line being edited,
//! by one thread, `screen`, through the line editor's external printer.
//!
//! Go counterpart: `os.Stdout`, written by the original's reader goroutine alone. Here the line
//! editor (on the `editor` thread, see [`super::editor`]) owns the bottom of the screen: the
//! prompt, what the user has typed, and the cursor. Anyone else who prints must ask the editor to
//! clear its rows, print, and draw them again, and that is what rustyline's external printer
//! does, but only while the editor is inside `readline` with the terminal in raw mode. Outside it,
//! the printer writes straight to the terminal, which is right when the cursor sits on a fresh
//! line and wrong while the editor is starting or drawing.
//!
//! So the screen thread and the editor agree on a [`Stage`]: the screen prints straight out only
//! while the editor is [`State::Idle`], waits while it is starting, and hands lines to the editor
//! once the editor has drawn its first frame. One thread prints, so lines keep the order in which
//! they were queued: the server's in the order they arrived, the user's own at Enter.
//!
//! The end is the delicate part: the client must exit while the editor may be waiting for a key
//! inside `readline`, and leave a clean screen. The receiver asks the screen to close; the
//! screen has the editor clear its rows one last time, and the editor's next frame stops its
//! thread for good (see [`Stage::frame`]). Then the receiver prints the last notice itself.

use super::redraw::Recent;
use super::{terminal, wrap};
use crossbeam_channel::Receiver;
use parking_lot::{Condvar, Mutex};
use rustyline::ExternalPrinter;
use std::io::{self, Write};

/// What the screen thread is asked to do. Sent by the receiver (the server's lines) and the
/// editor (the user's own lines, and the client's notices) through one unbounded channel: both
/// must never wait for the screen, the receiver because the server's lines keep coming, the
/// editor because the screen may be waiting for the editor's next frame.
#[derive(Debug)]
pub enum Draw {
    /// A line to print above the editor, painted already, without a newline. It is wrapped to
    /// the window's width with a hanging indent (see [`super::wrap`]).
    Line(String),
    /// A line the editor has left on screen itself (an ID typed at the prompt): kept for a
    /// redraw, not printed.
    Shown(String),
    /// The window has changed size: draw the screen again (see [`super::redraw`]).
    Redraw,
    /// Nothing more will be printed: stop the editor drawing (see [`Stage::wait_closed`]).
    Close,
}

/// Where the line editor is, as the screen needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not in `readline`: the cursor is at the start of a fresh line and nothing else draws.
    Idle,
    /// `readline` has been called but has not drawn its first frame (the terminal's mode may not
    /// have changed yet).
    Starting,
    /// In `readline`, raw mode on: lines go through the external printer.
    Editing,
    /// The end has been asked for while editing; the editor's next frame stops it.
    Closing,
    /// The editor's thread is stopped for good, mid-frame, its rows cleared.
    Parked,
    /// The end has come while the editor was not editing; it will not start again.
    Closed,
}

/// The agreement between the editor and the screen. The mutex is held only for a state change
/// and for a line printed straight out while `Idle`; never while the printer may wait for the
/// editor, so neither thread can wait for the other while holding it.
pub struct Stage {
    state: Mutex<State>,
    /// Signalled on every change of state.
    changed: Condvar,
    /// What the editor drew in its last full frame. Written by the editor's hooks, read by the
    /// screen; never held while waiting.
    pub drawn: Mutex<Drawn>,
}

/// What the editor drew in its last full frame: the prompt, for the next frame to lay the line out
/// after it (see [`super::view`]), and the rows both took, for a redraw to leave them free.
#[derive(Default)]
pub struct Drawn {
    /// As the terminal shows it, without colour.
    pub prompt: String,
    pub rows: usize,
}

impl Default for Stage {
    fn default() -> Self {
        Stage {
            state: Mutex::new(State::Idle),
            changed: Condvar::new(),
            drawn: Mutex::new(Drawn::default()),
        }
    }
}

impl Stage {
    /// The editor is about to call `readline`. False once the end has come: do not start.
    pub fn begin_read(&self) -> bool {
        self.set_if(|state| state == State::Idle, State::Starting)
    }

    /// The editor's `readline` has returned (raw mode is off, the cursor on a fresh line).
    pub fn end_read(&self) {
        let mut state = self.state.lock();
        *state = match *state {
            State::Closing | State::Closed | State::Parked => State::Closed,
            _ => State::Idle,
        };
        self.changed.notify_all();
    }

    /// Called by the editor at the start of each frame it draws. The first frame of a `readline`
    /// means raw mode is on; a frame after the end was asked for stops the editor's thread here,
    /// for good, before it draws anything.
    pub fn frame(&self) {
        if self.set_if(|state| state == State::Starting, State::Editing) {
            return;
        }
        if self.set_if(|state| state == State::Closing, State::Parked) {
            loop {
                std::thread::park();
            }
        }
    }

    /// Waits until the editor can no longer draw, and says whether it is mid-`readline`
    /// ([`State::Parked`]).
    pub fn wait_closed(&self) -> State {
        let mut state = self.state.lock();
        while !matches!(*state, State::Parked | State::Closed) {
            self.changed.wait(&mut state);
        }
        *state
    }

    fn set_if(&self, when: impl Fn(State) -> bool, to: State) -> bool {
        let mut state = self.state.lock();
        if !when(*state) {
            return false;
        }
        *state = to;
        self.changed.notify_all();
        true
    }
}

/// What the editor prints when asked to close while editing: nothing to see. The editor clears
/// its rows and writes this with a newline after it; moving up first leaves the cursor where the
/// prompt was, for the last notice to take its place.
const CLEAR_EDITOR_ROWS: &str = "\x1b[1A\n";

/// The `screen` thread: prints each line in turn until asked to close, and keeps the latest for
/// a redraw after a resize.
pub fn run(mut printer: impl ExternalPrinter, stage: &Stage, draws: Receiver<Draw>) {
    let mut recent = Recent::default();
    for draw in draws.iter() {
        match draw {
            Draw::Line(text) => {
                let columns = terminal::window_size().1;
                let rows = wrap::rows(&text, columns);
                print(&mut printer, stage, rows.join("\n") + "\n");
                recent.push(text);
            }
            Draw::Shown(text) => recent.push(text),
            Draw::Redraw => redraw(&mut printer, stage, &recent),
            Draw::Close => return close(&mut printer, stage),
        }
    }
}

/// Draws the screen again at the window's size, leaving the editor's rows free.
fn redraw(printer: &mut impl ExternalPrinter, stage: &Stage, recent: &Recent) {
    let (rows, columns) = terminal::window_size();
    let editor_rows = match *stage.state.lock() {
        State::Editing => stage.drawn.lock().rows,
        _ => 1,
    };
    if let Some(text) = recent.redraw(rows, columns, editor_rows) {
        print(printer, stage, text);
    }
}

/// Prints one line above the editor, or straight out if it is not editing.
fn print(printer: &mut impl ExternalPrinter, stage: &Stage, text: String) {
    let mut state = stage.state.lock();
    loop {
        match *state {
            State::Starting => stage.changed.wait(&mut state),
            // The lock is held, so the editor cannot start drawing in the middle of this line.
            State::Idle => return write_out(&text),
            State::Editing => break,
            State::Closing | State::Parked | State::Closed => return,
        }
    }
    drop(state);
    // NOTE: ignoring errors: the printer fails only if the editor's thread is gone, and then the
    // receiver is about to end the client.
    let _ = printer.print(text);
}

fn close(printer: &mut impl ExternalPrinter, stage: &Stage) {
    let mut state = stage.state.lock();
    loop {
        match *state {
            State::Starting => stage.changed.wait(&mut state),
            State::Editing => break,
            _ => {
                *state = State::Closed;
                stage.changed.notify_all();
                return;
            }
        }
    }
    *state = State::Closing;
    stage.changed.notify_all();
    drop(state);
    // This may wait for ever, if the editor stops at a frame of its own before taking it; the
    // receiver waits on the stage, not on this thread, so that is harmless.
    // NOTE: that frame of its own is a key pressed in the same instant; its rows are then still
    // drawn, and the receiver's clearing from the cursor's row down may leave the first rows of
    // a long wrapped line above the last notice.
    let _ = printer.print(CLEAR_EDITOR_ROWS.to_string());
}

/// Writes to the terminal directly, the cursor being at the start of a fresh line.
pub fn write_out(text: &str) {
    let mut stdout = io::stdout().lock();
    // NOTE: ignoring errors: if the terminal is gone there is no one left to tell, and the
    // conversation (the other users' view of it) goes on regardless.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn the_editor_is_editing_from_its_first_frame_until_readline_returns() {
        let stage = Stage::default();
        assert!(stage.begin_read());
        assert_eq!(*stage.state.lock(), State::Starting);
        stage.frame();
        stage.frame();
        assert_eq!(*stage.state.lock(), State::Editing);
        stage.end_read();
        assert_eq!(*stage.state.lock(), State::Idle);
    }

    #[test]
    fn after_the_end_the_editor_does_not_start_again() {
        let stage = Stage::default();
        *stage.state.lock() = State::Closed;
        assert!(!stage.begin_read());
        assert_eq!(stage.wait_closed(), State::Closed);
    }

    #[test]
    fn a_frame_after_the_end_was_asked_for_parks_the_editor_for_good() {
        let stage = Arc::new(Stage::default());
        *stage.state.lock() = State::Closing;
        let editor = thread::spawn({
            let stage = Arc::clone(&stage);
            move || stage.frame()
        });
        assert_eq!(stage.wait_closed(), State::Parked);
        assert!(!editor.is_finished());
    }
}
