//! Drawing the screen again after the window changes size, from the lines the client keeps.
//!
//! Go counterpart: none; the original never draws anything but the next line. Ours keeps a line
//! being edited at the bottom, and a resize breaks the picture in two ways. Most terminals today
//! (tmux among them) rewrap their rows to the new width, moving the editor's rows before the
//! editor hears of the new size; its next frame then starts from the wrong row, leaving a stale
//! copy of its first row above and, in the next frame, wiping a line that had arrived in
//! between. And lines the client wrapped itself (see [`super::wrap`]) keep their old width.
//!
//! So the client keeps the last lines it showed ([`Recent`]) and, once a resize has settled,
//! writes the screen's rows again from the top: each row cleared, the newest lines that fit above
//! the editor, then the rest of the screen cleared, and the editor draws itself below (through
//! rustyline's external printer, as any other line; see [`super::screen`]). The rows are
//! overwritten rather than the screen cleared, since tmux moves a cleared screen into the
//! scrollback, where every line on it would then appear twice.
//!
//! NOTE: the scrollback stays as the terminal left it: rewrapped by the terminal, with the client's
//! own indented rows cut where the old width cut them.

use super::wrap;
use std::collections::VecDeque;
use std::time::Duration;

/// How many of the latest lines are kept for a redraw: more than any window has rows. A line is at
/// most the server's longest (a full room's user list), so the bound also bounds the memory.
pub const RECENT_LINES: usize = 200;

/// How long the window must keep its size before the screen is drawn again: dragging a window's
/// corner sends a resize for every step, and one redraw at the end is enough. Also long enough
/// for the line editor to have drawn its own frame at the new size first.
pub const SETTLE: Duration = Duration::from_millis(100);

/// The lines on screen, newest last, painted as they were shown and not yet wrapped. Kept by
/// the `screen` thread alone.
#[derive(Default)]
pub struct Recent {
    lines: VecDeque<String>,
}

impl Recent {
    pub fn push(&mut self, painted: String) {
        if self.lines.len() == RECENT_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(painted);
    }

    /// What to write, the cursor being anywhere, to draw the screen again in a window of `rows`
    /// by `columns` with `editor_rows` left free at the bottom; `None` if nothing would be drawn.
    /// Ends at the start of the row after the last line, with everything below it cleared.
    pub fn redraw(&self, rows: usize, columns: usize, editor_rows: usize) -> Option<String> {
        let room = rows.saturating_sub(editor_rows.max(1));
        let mut newest_rows: Vec<String> = Vec::new();
        for line in self.lines.iter().rev() {
            if newest_rows.len() >= room {
                break;
            }
            newest_rows.extend(wrap::rows(line, columns).into_iter().rev());
        }
        newest_rows.truncate(room);
        let last = newest_rows.first()?.clone();
        let mut text = String::from("\x1b[H");
        for row in newest_rows.iter().skip(1).rev() {
            text += &format!("\x1b[K{row}\n");
        }
        // Cleared from the start of the last row down: the rest of the screen, where stale rows
        // may be. Never from the top left corner, which tmux would take for clearing the screen.
        text += &format!("\x1b[J{last}\n");
        Some(text)
    }
}

/// The window's size changes (SIGWINCH), taken here, before the `resize` thread starts, so that
/// none is missed; `None` if they cannot be (the screen is then never drawn again on a resize).
#[cfg(unix)]
pub fn resizes() -> Option<signal_hook::iterator::Signals> {
    // rustyline (with its `signal-hook` feature) registers for the same signal through the same
    // registry, so both hear every resize.
    signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH]).ok()
}

/// The `resize` thread: calls `redraw` each time the window has changed size and then kept it for
/// [`SETTLE`], until `redraw` says the screen is gone.
#[cfg(unix)]
pub fn watch_resizes(resizes: Option<signal_hook::iterator::Signals>, redraw: impl Fn() -> bool) {
    let Some(mut resizes) = resizes else {
        return; // NOTE: without the signal, a resize is not redrawn; the chat goes on.
    };
    loop {
        if resizes.wait().count() == 0 {
            continue;
        }
        std::thread::sleep(SETTLE);
        while resizes.pending().count() > 0 {
            std::thread::sleep(SETTLE);
        }
        if !redraw() {
            return;
        }
    }
}

/// NOTE: elsewhere a resize is not redrawn.
#[cfg(not(unix))]
pub fn resizes() -> Option<()> {
    None
}

#[cfg(not(unix))]
pub fn watch_resizes(_: Option<()>, _: impl Fn() -> bool) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(lines: &[&str]) -> Recent {
        let mut recent = Recent::default();
        lines.iter().for_each(|line| recent.push(line.to_string()));
        recent
    }

    #[test]
    fn the_newest_lines_that_fit_above_the_editor_are_drawn_from_the_top() {
        let recent = recent(&["one", "two", "three"]);
        assert_eq!(
            recent.redraw(3, 10, 1).as_deref(),
            Some("\x1b[H\x1b[Ktwo\n\x1b[Jthree\n")
        );
        assert_eq!(
            recent.redraw(24, 10, 2).as_deref(),
            Some("\x1b[H\x1b[Kone\n\x1b[Ktwo\n\x1b[Jthree\n")
        );
    }

    #[test]
    fn wrapped_lines_count_their_rows_and_may_be_cut_at_the_top() {
        let recent = recent(&["one", "[Omar]: abcdefghijkl"]);
        assert_eq!(
            recent.redraw(3, 10, 1).as_deref(),
            Some("\x1b[H\x1b[K  cdefghij\n\x1b[J  kl\n")
        );
    }

    #[test]
    fn nothing_is_drawn_without_lines_or_room() {
        assert_eq!(recent(&[]).redraw(24, 80, 1), None);
        assert_eq!(recent(&["one"]).redraw(2, 80, 2), None);
    }

    #[test]
    fn only_the_latest_lines_are_kept() {
        let mut recent = Recent::default();
        (0..RECENT_LINES + 5).for_each(|n| recent.push(n.to_string()));
        assert_eq!(recent.lines.len(), RECENT_LINES);
        assert_eq!(recent.lines.front().map(String::as_str), Some("5"));
    }
}
