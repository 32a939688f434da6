//! What the line editor shows of a line taller than the window: the rows that fit, around the
//! cursor, and never more.
//!
//! Go counterpart: none; the original's terminal edits the line. Ours is drawn by rustyline,
//! which draws the whole line at every full frame (an incoming message, a key in the middle of
//! the line, a resize). A frame starts by moving the cursor up to the line's first row, and a
//! terminal cannot move the cursor above its top row; so when the line is taller than the window,
//! each frame writes the whole line from the top row, and the rows that do not fit scroll into
//! the scrollback again, as stale copies: six of them for a 5,000-byte paste, a second copy of
//! the first half of a 60-line paste.
//!
//! So the highlighting hook (see [`super::keys`]) hands rustyline only the rows that fit. When
//! the line is taller than the window, the view is the window's height of rows: the last ones,
//! or, when the cursor is further up, those starting at the cursor's row. rustyline's cursor
//! moves are relative, and its moves up stop at the top row, which is where the view starts; so
//! its idea of the line and the screen agree without its knowing of the view.
//!
//! The rows are counted as rustyline counts them: a wide character that does not fit at the end
//! of a row moves to the next, a newline (in a paste) ends a row, and a row filled to its last
//! column puts the cursor on the next.

use std::borrow::Cow;
use unicode_width::UnicodeWidthChar;

/// Where a row starts in the line, as a byte offset (`None`: within the prompt).
type RowStart = Option<usize>;

/// What the editor shows of its line.
#[derive(Debug, PartialEq, Eq)]
pub struct View<'l> {
    /// What to draw after the prompt.
    pub text: Cow<'l, str>,
    /// How many of the window's rows the prompt and line take.
    pub rows: usize,
}

/// What to draw of `line`, after `prompt` (plain text), with the cursor at byte `cursor`, in a
/// window of `(rows, columns)`: the line itself if everything fits, or else the rows of the view,
/// starting with a return to column 0 and a cleared row when the prompt's row is not among them.
pub fn visible<'l>(
    prompt: &str,
    line: &'l str,
    cursor: usize,
    (rows, columns): (usize, usize),
) -> View<'l> {
    let layout = Layout::of(prompt, line, cursor, columns.max(1));
    let height = layout.end_row + 1;
    if height <= rows || rows == 0 || layout.row_starts.get(1) == Some(&None) {
        // Fits; or the prompt itself is wrapped, which a window this narrow may do: left alone.
        return View {
            text: Cow::Borrowed(line),
            rows: height,
        };
    }
    let first = (height - rows).min(layout.cursor_row);
    let mut shown = rows;
    if first < height - rows && layout.ends_at_row_start && !line.ends_with('\n') {
        // rustyline moves to a new row after a line ending on a row's last column; a view that
        // stops before the end must leave it that row.
        shown -= 1;
    }
    let from = layout.row_starts[first].unwrap_or(0);
    let to = layout
        .row_starts
        .get(first + shown)
        .copied()
        .flatten()
        .unwrap_or(line.len());
    let text = if first == 0 {
        Cow::Borrowed(&line[..to])
    } else {
        Cow::Owned(format!("\r\x1b[K{}", &line[from..to]))
    };
    View { text, rows }
}

/// The rows of a prompt and line, as rustyline lays them out.
struct Layout {
    /// Where each row starts.
    row_starts: Vec<RowStart>,
    cursor_row: usize,
    end_row: usize,
    /// The last character ends on a row's last column.
    ends_at_row_start: bool,
}

impl Layout {
    fn of(prompt: &str, line: &str, cursor: usize, columns: usize) -> Layout {
        let mut row_starts = vec![None];
        let mut column = 0;
        let mut cursor_row = None;
        let characters = prompt
            .chars()
            .map(|c| (None, c))
            .chain(line.char_indices().map(|(at, c)| (Some(at), c)));
        for (at, c) in characters {
            if at == Some(cursor) {
                cursor_row = Some(row_after(row_starts.len() - 1, column, columns));
            }
            if c == '\n' {
                row_starts.push(at.map(|at| at + 1));
                column = 0;
                continue;
            }
            let width = c.width().unwrap_or(0);
            if column + width > columns {
                row_starts.push(at);
                column = 0;
            }
            column += width;
        }
        let end_row = row_after(row_starts.len() - 1, column, columns);
        if end_row == row_starts.len() {
            row_starts.push(Some(line.len()));
        }
        Layout {
            row_starts,
            cursor_row: cursor_row.unwrap_or(end_row),
            end_row,
            ends_at_row_start: column == columns,
        }
    }
}

/// The cursor's row after a character that ended at `column` of `row`.
fn row_after(row: usize, column: usize, columns: usize) -> usize {
    if column == columns { row + 1 } else { row }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT: &str = "[you] > ";

    fn shown(line: &str, cursor: usize, window: (usize, usize)) -> String {
        visible(PROMPT, line, cursor, window).text.into_owned()
    }

    #[test]
    fn a_line_that_fits_is_shown_whole() {
        assert_eq!(
            visible(PROMPT, "hello", 5, (3, 20)),
            View {
                text: Cow::Borrowed("hello"),
                rows: 1
            }
        );
        // Three rows: 8 + 2, 10, 10, and the cursor's own row after a full one makes four.
        let line = "ab0123456789abcdefghij";
        assert_eq!(shown(line, line.len(), (4, 10)), line);
    }

    #[test]
    fn a_taller_line_shows_its_last_rows_over_the_prompts_row() {
        let line = "ab0123456789abcdefghijXY";
        assert_eq!(visible(PROMPT, line, line.len(), (2, 10)).rows, 2);
        assert_eq!(
            shown(line, line.len(), (2, 10)),
            "\r\x1b[Kabcdefghij".to_string() + "XY"
        );
    }

    #[test]
    fn with_the_cursor_further_up_the_view_starts_at_its_row() {
        let line = "ab0123456789abcdefghijXY";
        assert_eq!(shown(line, 0, (2, 10)), "ab0123456789");
        assert_eq!(shown(line, 5, (2, 10)), "\r\x1b[K0123456789abcdefghij");
    }

    #[test]
    fn the_row_after_a_full_last_row_is_part_of_the_view() {
        let line = "ab0123456789abcdefghij";
        assert_eq!(shown(line, line.len(), (2, 10)), "\r\x1b[Kabcdefghij");
        // Stopping before the end, the view leaves rustyline the row it adds.
        assert_eq!(shown(line, 3, (2, 10)), "\r\x1b[K0123456789");
    }

    #[test]
    fn pasted_lines_are_rows_of_their_own() {
        let paste = "one\ntwo\nthree\nfour";
        assert_eq!(shown(paste, paste.len(), (2, 40)), "\r\x1b[Kthree\nfour");
    }

    #[test]
    fn wide_characters_move_to_the_next_row_whole() {
        let line = "a日本語日本";
        // Rows: `[you] > a` (the next wide one does not fit), `日本語日本`.
        assert_eq!(shown(line, line.len(), (2, 10)), "\r\x1b[K日本語日本");
    }
}
