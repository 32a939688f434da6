//! What the client asks of the terminal it runs in (is it one, may it colour), and the promise to
//! give it back as it found it.
//!
//! Go counterpart: none; the original client never looks, and never changes the terminal. Ours
//! puts it in raw mode to edit the input line (see [`super::editor`]), so it must also undo that on
//! every way out: the user leaving, the server going away while the user types, and a panic.
//! The line editor restores the terminal when a `readline` call returns, but the client often
//! ends while one is still waiting for a key, on another thread; so the settings are saved here at
//! start and put back by a guard ([`Restore`]) and by a panic hook.

use super::args::ColorChoice;
use std::io::{self, IsTerminal, Write};

/// What kind of screen the client draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both standard input and output are a terminal: a line editor, and lines printed above it.
    Terminal,
    /// Anything else: plain lines only.
    Plain,
}

/// Settles the drawing mode and colour. The line editor needs a person at a terminal on both
/// ends (typing into stdin, reading stdout); colour only needs stdout to be one, unless `--color`
/// says otherwise.
pub fn detect(choice: ColorChoice) -> (Mode, bool) {
    let escapes_work = enable_escape_codes();
    let stdout_is_terminal = io::stdout().is_terminal() && escapes_work;
    let interactive = io::stdin().is_terminal() && stdout_is_terminal;
    let mode = if interactive {
        Mode::Terminal
    } else {
        Mode::Plain
    };
    let no_color_set = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    (mode, choice.resolve(stdout_is_terminal, no_color_set))
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

/// Lets Ctrl-Z's stop signal (SIGTSTP) reach only the thread that calls this, by blocking it in
/// the calling thread and every thread it starts afterwards: `stop_signal_here(false)` on the
/// main thread before the others start, `stop_signal_here(true)` on the editor's.
///
/// Why: the line editor reads Ctrl-Z as a key, restores the terminal, stops the process by
/// signalling it, and when continued puts raw mode back and redraws. That relies on the signal
/// stopping the very thread that sent it before the call returns. In a process of several
/// threads the kernel may hand the signal to another one, and the editor runs on, re-entering
/// raw mode before the stop; the shell then brings the job back in its normal mode and no
/// prompt is drawn. With the signal blocked everywhere else, the sender is the one that takes it.
pub fn stop_signal_here(deliver: bool) {
    stop_signal::mask(deliver);
}

#[cfg(unix)]
mod stop_signal {
    pub fn mask(deliver: bool) {
        let how = if deliver {
            libc::SIG_UNBLOCK
        } else {
            libc::SIG_BLOCK
        };
        // SAFETY: a signal set is plain data, filled by the two calls before it is used.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTSTP);
            libc::pthread_sigmask(how, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
mod stop_signal {
    pub fn mask(_: bool) {}
}

/// The window's size in (rows, columns), from standard output; 24 by 80 where it cannot be
/// asked, as terminals default to.
pub fn window_size() -> (usize, usize) {
    size::of_stdout().unwrap_or((24, 80))
}

#[cfg(unix)]
mod size {
    pub fn of_stdout() -> Option<(usize, usize)> {
        // SAFETY: `winsize` is plain data, filled by TIOCGWINSZ, and read only on success.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        let asked = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
        (asked == 0 && size.ws_row > 0 && size.ws_col > 0)
            .then(|| (size.ws_row.into(), size.ws_col.into()))
    }
}

#[cfg(not(unix))]
mod size {
    pub fn of_stdout() -> Option<(usize, usize)> {
        None
    }
}

/// Turns off bracketed paste, which the line editor turns on while it reads; left on, the shell
/// would see every later paste wrapped in `ESC[200~`.
const BRACKETED_PASTE_OFF: &str = "\x1b[?2004l";

/// Puts the terminal back as it was when [`Restore::save`] ran, when dropped. Made once, in
/// terminal mode, before the line editor first touches the terminal.
pub struct Restore(());

impl Restore {
    /// Saves the terminal's settings and installs a panic hook that restores them before the
    /// panic message is printed, then ends the process: a client whose thread has died would
    /// otherwise sit in raw mode with nobody reading the keyboard.
    pub fn save() -> Restore {
        saved::save();
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            default_hook(info);
            std::process::exit(101);
        }));
        Restore(())
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts back the saved settings, throwing away whatever was typed and not yet read, so that a
/// half-typed line never reaches the shell the client returns to.
fn restore() {
    let mut stdout = io::stdout();
    // NOTE: ignoring errors: if the terminal is gone there is nothing left to restore.
    let _ = stdout.write_all(BRACKETED_PASTE_OFF.as_bytes());
    let _ = stdout.flush();
    saved::restore();
}

#[cfg(unix)]
mod saved {
    use std::sync::OnceLock;

    /// The settings of standard input when the client started, before raw mode.
    static SAVED: OnceLock<libc::termios> = OnceLock::new();

    pub fn save() {
        // SAFETY: `termios` is plain data; `tcgetattr` fills it, and it is kept only on success.
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut settings) } == 0 {
            let _ = SAVED.set(settings);
        }
    }

    pub fn restore() {
        if let Some(settings) = SAVED.get() {
            // SAFETY: `settings` came from `tcgetattr` on the same descriptor. TCSAFLUSH drops
            // input received and not read, which is the point.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSAFLUSH, settings) };
        }
    }
}

/// NOTE: on Windows the line editor restores the console itself when `readline` returns; a
/// client that ends while it waits may leave the console's input mode changed.
#[cfg(not(unix))]
mod saved {
    pub fn save() {}
    pub fn restore() {}
}
