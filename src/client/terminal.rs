//! What the client asks of the terminal it runs in (is it one, can it move the cursor, may it
//! colour), and the promise to give it back as it found it.
//!
//! Go counterpart: none; the original never looks, and never changes the terminal. Ours puts it
//! in raw mode (every key reaches the client at once, nothing is echoed) with bracketed paste
//! (a paste arrives as one event), through `crossterm`, so it must undo both on every way out:
//! the user leaving, the server going away, a panic, and Ctrl-Z (until `fg`).

use super::args::ColorChoice;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::{execute, terminal};
use std::io::{self, IsTerminal, Write};

/// What kind of screen the client draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Standard input and output are a terminal that moves its cursor: the client edits the line.
    Terminal,
    /// A terminal that cannot (`TERM=dumb`, a serial console, an editor's shell buffer): it
    /// edits the line itself (see [`super::line_mode`]).
    Dumb,
    /// Anything else: plain lines only.
    Plain,
}

/// The `TERM` values of terminals that print but cannot move the cursor: the list linenoise and
/// rustyline keep.
const DUMB_TERMS: [&str; 3] = ["dumb", "cons25", "emacs"];

/// Settles the drawing mode and colour. Editing needs a person at a terminal on both ends
/// (typing into stdin, reading stdout); colour only needs stdout to be one, unless `--color`
/// says otherwise, and in a dumb terminal only if it does.
pub fn detect(choice: ColorChoice) -> (Mode, bool) {
    let stdout_is_terminal = io::stdout().is_terminal() && enable_escape_codes();
    let dumb = std::env::var("TERM").is_ok_and(|term| DUMB_TERMS.contains(&term.as_str()));
    let mode = match (io::stdin().is_terminal() && stdout_is_terminal, dumb) {
        (false, _) => Mode::Plain,
        (true, true) => Mode::Dumb,
        (true, false) => Mode::Terminal,
    };
    let no_color_set = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    let colour = choice.resolve(stdout_is_terminal, no_color_set);
    (
        mode,
        colour && (mode != Mode::Dumb || choice == ColorChoice::Always),
    )
}

/// Windows consoles show ANSI escape codes as text until asked not to; an old console that cannot
/// be asked is treated like a pipe (no editor, no colour unless forced).
#[cfg(windows)]
fn enable_escape_codes() -> bool {
    ansi_term::enable_ansi_support().is_ok()
}

#[cfg(not(windows))]
fn enable_escape_codes() -> bool {
    true
}

/// The window's size in (columns, rows); 80 by 24 where it cannot be asked, as terminals default.
pub fn size() -> (usize, usize) {
    let (columns, rows) = terminal::size().unwrap_or((80, 24));
    (usize::from(columns.max(1)), usize::from(rows.max(1)))
}

/// Raw mode and bracketed paste, for as long as this lives; dropped, the terminal is as it was.
pub struct Raw(());

impl Raw {
    /// Enters raw mode, and installs a panic hook that restores the terminal before the panic
    /// message is printed, then ends the process: a client whose thread has died would otherwise
    /// sit in raw mode with nobody reading the keyboard.
    pub fn enter() -> io::Result<Raw> {
        enter()?;
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            default_hook(info);
            std::process::exit(101);
        }));
        Ok(Raw(()))
    }

    /// Ctrl-Z: gives the terminal back, stops the process as the terminal would have (the
    /// signal the shell's job control waits for), and takes the terminal again after `fg`.
    pub fn suspend(&self) {
        restore();
        #[cfg(unix)]
        // NOTE: ignoring errors: a stop that fails leaves the client running, as before the key.
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
        // NOTE: ignoring errors: `enter` failed before, at the start, so this cannot either.
        let _ = enter();
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        restore();
    }
}

fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnableBracketedPaste)
}

/// Puts back the terminal's settings, throwing away whatever was typed and not yet read, so that
/// a half-typed line never reaches the shell the client returns to.
fn restore() {
    // NOTE: ignoring errors: if the terminal is gone there is nothing left to restore.
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    let _ = terminal::disable_raw_mode();
    #[cfg(unix)]
    let _ = rustix::termios::tcflush(io::stdin(), rustix::termios::QueueSelector::IFlush);
}

/// Writes to standard output at once: a frame, or in a pipe a line.
pub fn write_out(text: &str) {
    let mut stdout = io::stdout().lock();
    // NOTE: ignoring errors: if the output is gone there is no one left to tell, and the
    // conversation (the other users' view of it) goes on regardless.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
