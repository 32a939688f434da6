//! What the terminal shows, and how it is drawn: the lines received, above the line being edited.
//!
//! Go counterpart: the original's `clearLine` (`\r\033[K`), written before each incoming line
//! over the prompt, after which the prompt is printed again, without what had been typed. Here
//! each frame starts at the cursor, goes back to the first row of the line being edited, blanks
//! the rows it took, and writes over them: the rows waiting to be printed (received lines,
//! wrapped with a hanging indent, see [`super::wrap`], each ending with `\r\n`), then the line
//! again, and puts the cursor back where it is in the line. Only cursor moves relative to the
//! cursor are used, so the frame never needs to know on which row of the window it is.
//!
//! A line taller than the window is shown as the rows that fit around the cursor, never more:
//! the rows above them would scroll into the scrollback, a stale copy at every frame.
//!
//! A resize is the one time the frame cannot start from the cursor: most terminals (tmux among
//! them) rewrap their rows to the new width, moving the line being edited before the client
//! hears of it. So the client keeps the last lines it showed ([`RECENT_LINES`]) and, once the
//! size has settled ([`SETTLE`]), draws the whole window again from its top: the newest lines
//! that fit, wrapped at the new width, and the line below them. Each row is cleared rather than
//! the screen, since tmux moves a cleared screen into the scrollback, where every line on it
//! would then appear twice.
//!
//! NOTE: the scrollback stays as the terminal left it, rewrapped by the terminal. tmux keeps the
//! cursor on its row when it rewraps, pushing the top rows into the scrollback as the line being
//! edited takes more rows, and taking them back as it takes fewer; it can only do that with rows
//! it wrapped itself, which is why the line's rows are left to the terminal to wrap.

use super::input::Input;
use super::terminal::{self, Raw, write_out};
use super::wrap;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

/// How many of the latest lines are kept for a redraw: more than any window has rows. A line is
/// at most the server's longest (a full room's user list), so the bound also bounds the memory.
pub const RECENT_LINES: usize = 200;

/// How long the window must keep its size before it is drawn again: dragging a window's corner
/// sends a resize for every step, and one redraw at the end is enough. Until then lines are
/// drawn from the cursor, which the terminal may have moved, and a stale row may show.
pub const SETTLE: Duration = Duration::from_millis(100);

/// The screen, owned by the one thread that draws it (see [`super::screen`]).
pub struct Frame {
    /// The terminal in raw mode, given back when the frame is dropped.
    raw: Raw,
    /// The window's (columns, rows), as the last resize said.
    size: (usize, usize),
    /// The prompt before the line, painted, and its width in columns; `None` while nothing is
    /// asked (before the server's first prompt, after an ID is sent, after leaving).
    pub prompt: Option<(String, usize)>,
    /// The lines shown, painted and not wrapped, newest last, for a redraw.
    recent: VecDeque<String>,
    /// Rows to print above the line in the next frame.
    above: Vec<String>,
    /// The rows the line takes on screen now, and the cursor's row among them.
    drawn: (usize, usize),
    /// When to draw the window again after a resize.
    settles_at: Option<Instant>,
}

impl Frame {
    /// How many rows may wait to be printed while events keep coming, before a frame is drawn
    /// anyway: under a flood of messages the screen still moves, in writes of a few kilobytes.
    pub const MOST_ROWS_WAITING: usize = 100;

    /// A frame starting on the cursor's row, which the shell has left empty.
    pub fn new(raw: Raw) -> Frame {
        Frame {
            raw,
            size: terminal::size(),
            prompt: None,
            recent: VecDeque::new(),
            above: Vec::new(),
            drawn: (1, 0),
            settles_at: None,
        }
    }

    /// From now on the line is edited after `painted`, which shows as `plain`.
    pub fn ask(&mut self, painted: String, plain: &str) {
        self.prompt = Some((painted, plain.width()));
    }

    /// Prints `line` (painted) above the line being edited, at the next frame.
    pub fn show(&mut self, line: String) {
        self.above.extend(wrap::rows(&line, self.size.0));
        if self.recent.len() == RECENT_LINES {
            self.recent.pop_front();
        }
        self.recent.push_back(line);
    }

    /// How many rows wait to be printed.
    pub fn waiting(&self) -> usize {
        self.above.len()
    }

    /// Draws the rows waiting and `input` below them, as the module docs say.
    pub fn draw(&mut self, input: &Input) {
        let view = self.view(input);
        let mut out = String::from("\r");
        up(&mut out, self.drawn.1);
        // The old rows blanked one by one: an erase to the end of the screen, from the window's
        // first row, is to tmux a cleared screen, which it moves into the scrollback.
        out += "\x1b[2K";
        out += &"\x1b[B\x1b[2K".repeat(self.drawn.0 - 1);
        up(&mut out, self.drawn.0 - 1);
        for row in self.above.drain(..) {
            out += &row;
            out += "\r\n";
        }
        out += &view.text;
        out.push('\r');
        up(&mut out, view.rows - 1 - view.cursor.0);
        if view.cursor.1 > 0 {
            let _ = write!(out, "\x1b[{}C", view.cursor.1);
        }
        self.drawn = (view.rows, view.cursor.0);
        write_out(&out);
    }

    /// The window has changed size: lines are wrapped at the new width from now on, and the
    /// whole window is drawn again once the size has settled.
    pub fn resize(&mut self, columns: usize, rows: usize) {
        self.size = (columns.max(1), rows.max(1));
        self.settles_at = Some(Instant::now() + SETTLE);
    }

    /// When the window is to be drawn again, if a resize is waiting to settle.
    pub fn settles_at(&self) -> Option<Instant> {
        self.settles_at
    }

    /// Clears every row, and has the next frame draw the newest lines that fit from the top.
    pub fn redraw(&mut self, input: &Input) {
        self.settles_at = None;
        let (columns, rows) = self.size;
        let room = rows.saturating_sub(self.view(input).rows);
        let newest = self.recent.iter().rev();
        let rows_newest_first = newest.flat_map(|line| wrap::rows(line, columns).into_iter().rev());
        self.above = rows_newest_first.take(room).collect();
        self.above.reverse();
        write_out(&format!("\x1b[H{}\x1b[H", "\x1b[2K\x1b[B".repeat(rows)));
        self.drawn = (1, 0);
    }

    /// Ctrl-L: what waits is printed, then the screen is cleared, and the line drawn at the top.
    pub fn clear(&mut self, input: &Input) {
        self.draw(input);
        write_out("\x1b[H\x1b[2J");
        self.drawn = (1, 0);
    }

    /// Ctrl-Z: the cursor left below the line, for the shell's `Stopped`, until `fg`; then the
    /// line is drawn again on the row the shell leaves.
    pub fn suspend(&mut self, input: &Input) {
        self.draw(input);
        let below = self.drawn.0 - 1 - self.drawn.1;
        write_out(&format!("{}\r\n", "\x1b[B".repeat(below)));
        self.raw.suspend();
        self.drawn = (1, 0);
    }

    /// What to write of the prompt and `input`: the rows that fit the window. Rows the line
    /// wraps onto are left to the terminal to wrap, as it would wrap typed text, so that a
    /// terminal that rewraps on a resize (tmux) treats them as one line; its own newlines, and
    /// the row after a full last row (where the cursor goes), are written.
    fn view(&self, input: &Input) -> View {
        let Some((prompt, width)) = &self.prompt else {
            return View {
                text: String::new(),
                rows: 1,
                cursor: (0, 0),
            };
        };
        let (columns, rows) = self.size;
        let layout = input.layout(*width, columns);
        // The last rows, or those from the cursor's row down when the cursor is further up.
        let first = layout.rows.len().saturating_sub(rows).min(layout.cursor.0);
        let shown = &layout.rows[first..layout.rows.len().min(first + rows)];
        let mut text = String::new();
        for (n, row) in shown.iter().enumerate() {
            if first + n == 0 {
                text += prompt;
            } else if n > 0 && (row.is_empty() || row.start != layout.rows[first + n - 1].end) {
                text += "\r\n";
            }
            text += &input.text()[row.clone()];
        }
        let cursor = (layout.cursor.0 - first, layout.cursor.1);
        View {
            text,
            rows: shown.len(),
            cursor,
        }
    }
}

/// What [`Frame::view`] draws of the line: the text, the rows it takes, and the cursor's (row,
/// column) among them.
struct View {
    text: String,
    rows: usize,
    cursor: (usize, usize),
}

/// Moves the cursor up `rows` rows (none: nothing is written).
fn up(out: &mut String, rows: usize) {
    if rows > 0 {
        let _ = write!(out, "\x1b[{rows}A");
    }
}
