//! What the client asks of the terminal it runs in: is it one, may it colour, how wide is it.
//!
//! Go counterpart: none; the original client never looks. These are the only questions the client
//! puts to its environment, kept here so that [`super::console`] draws from plain answers and its
//! frames can be unit-tested without a terminal.

use super::args::ColorChoice;
use std::io::{self, IsTerminal};
use std::process::{Command, Stdio};

/// What kind of screen the console draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both standard input and output are a terminal: a prompt, and cursor movement.
    Terminal,
    /// Anything else: plain lines only.
    Plain,
}

/// Settles the drawing mode and colour. The prompt and cursor movement need a person at a
/// terminal on both ends (typing into stdin, reading stdout); colour only needs stdout to be one,
/// unless `--color` says otherwise.
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
/// be asked is treated like a pipe (no prompt, no colour unless forced).
#[cfg(windows)]
fn enable_escape_codes() -> bool {
    ansi_term::enable_ansi_support().is_ok()
}

#[cfg(not(windows))]
fn enable_escape_codes() -> bool {
    true
}

/// The terminal's width, from `stty size` (which prints `rows columns`), since the standard library
/// has no call for it and the project takes on no crate for one. Asked each time the user presses
/// Enter, so a resized window is measured anew; the few milliseconds go unnoticed. `None` where
/// there is no `stty` or it cannot tell.
pub fn columns() -> Option<usize> {
    let output = Command::new("stty")
        .arg("size")
        .stdin(Stdio::inherit())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let size = String::from_utf8(output.stdout).ok()?;
    size.split_whitespace()
        .nth(1)?
        .parse()
        .ok()
        .filter(|&n| n > 0)
}

/// How many rows the terminal used to echo `typed` after `prompt`, on a screen `columns` wide
/// (one, if the width is unknown). The Enter that ended the line moved the cursor below them all.
/// NOTE: counts characters, not display cells, so wide (CJK, emoji) text is undercounted.
pub fn echoed_rows(prompt: &str, typed: &str, columns: Option<usize>) -> usize {
    let width = prompt.chars().count() + typed.chars().count();
    match columns {
        Some(columns) => width.div_ceil(columns).max(1),
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::render::PROMPT;

    #[test]
    fn a_long_typed_line_is_counted_in_rows() {
        assert_eq!(echoed_rows(PROMPT, "Hello!", None), 1);
        assert_eq!(echoed_rows(PROMPT, "Hello!", Some(80)), 1);
        assert_eq!(echoed_rows(PROMPT, &"x".repeat(32), Some(40)), 1);
        assert_eq!(echoed_rows(PROMPT, &"x".repeat(33), Some(40)), 2);
        assert_eq!(echoed_rows(PROMPT, &"é".repeat(72), Some(40)), 2);
        assert_eq!(echoed_rows(PROMPT, &"x".repeat(100), Some(40)), 3);
    }
}
