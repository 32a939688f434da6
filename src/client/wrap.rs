//! Cutting a line into the rows a terminal of a given width shows, the client's way: every row
//! after the first is indented, so that a row starting in column 0 is always the start of a line.
//!
//! Go counterpart: none; the original prints each line whole and lets the terminal wrap it, and
//! a terminal wraps to column 0. A message padded with spaces to the window's width then puts
//! its tail at the start of a row, where `User Ahmed left the chat` reads exactly like the
//! server's notice. irssi and weechat indent wrapped rows for the same reason.
//!
//! Widths are display columns (`unicode-width`, the measure the line being edited uses too): a CJK
//! character takes two, a combining mark none. Escape sequences (the colours [`super::render`]
//! adds) take none; a colour is closed at the end of each row and opened again on the next, so
//! that any row drawn on its own (after a resize, see [`super::screen`]) has its colour.

use unicode_width::UnicodeWidthChar;

/// The indent of every row after a line's first, in columns: enough to be seen, little enough
/// to leave room in a 40-column window.
pub const HANGING_INDENT: &str = "  ";

/// Ends a colour: what [`super::render::paint`] puts after a painted line.
const RESET: &str = "\x1b[0m";

/// The rows of `line` in a window `columns` wide, continuation rows indented by
/// [`HANGING_INDENT`]. A window too narrow for the indent gets rows without it.
pub fn rows(line: &str, columns: usize) -> Vec<String> {
    let indent = if columns > 2 * HANGING_INDENT.len() {
        HANGING_INDENT
    } else {
        ""
    };
    let (mut rows, mut row, mut width) = (Vec::new(), String::new(), 0);
    // The colour in force: the last escape sequence seen, unless it was a reset.
    let mut colour = "";
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(code) = escape_at(rest) {
            colour = if code == RESET { "" } else { code };
            row.push_str(code);
            rest = &rest[code.len()..];
            continue;
        }
        let char_width = c.width().unwrap_or(0);
        if width + char_width > columns.max(1) && width > indent.len() {
            if !colour.is_empty() {
                row.push_str(RESET);
            }
            rows.push(std::mem::take(&mut row));
            row = format!("{indent}{colour}");
            width = indent.len();
        }
        row.push(c);
        width += char_width;
        rest = &rest[c.len_utf8()..];
    }
    rows.push(row);
    rows
}

/// The escape sequence (`ESC [ ... letter`) that `text` starts with, if any.
fn escape_at(text: &str) -> Option<&str> {
    let after = text.strip_prefix("\x1b[")?;
    let end = after
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or(after.len(), |at| at + 1);
    Some(&text[..2 + end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_fits_is_one_row() {
        assert_eq!(rows("[Omar]: hi", 10), ["[Omar]: hi"]);
        assert_eq!(rows("", 10), [""]);
    }

    #[test]
    fn continuation_rows_are_indented() {
        assert_eq!(
            rows("[Omar]: abcdefghijkl", 10),
            ["[Omar]: ab", "  cdefghij", "  kl"]
        );
    }

    #[test]
    fn a_padded_message_cannot_start_a_row_in_column_0() {
        let fake = format!("[Mallory]: x{}User Ahmed left the chat", " ".repeat(68));
        let shown = rows(&fake, 80);
        assert_eq!(shown[1], "  User Ahmed left the chat");
    }

    #[test]
    fn colours_are_closed_and_opened_again_on_each_row() {
        assert_eq!(
            rows("\x1b[33m[Omar]: abcdef\x1b[0m", 10),
            ["\x1b[33m[Omar]: ab\x1b[0m", "  \x1b[33mcdef\x1b[0m"]
        );
    }

    #[test]
    fn wide_characters_are_not_split_and_marks_take_no_column() {
        assert_eq!(rows("[Omar]: 日本語", 10), ["[Omar]: 日", "  本語"]);
        assert_eq!(
            rows("e\u{301}e\u{301}e\u{301}", 3),
            ["e\u{301}e\u{301}e\u{301}"]
        );
    }

    #[test]
    fn a_very_narrow_window_gets_no_indent() {
        assert_eq!(rows("abcde", 2), ["ab", "cd", "e"]);
    }
}
