//! The line being edited: its text, the cursor in it, and the rows both take on screen.
//!
//! Go counterpart: none; the original leaves the line to the terminal, which edits it only until
//! the first incoming message moves the cursor. Here the terminal's owner (see [`super::screen`])
//! keeps the line and draws it again after every change, so it needs to know where each row of
//! it starts and where the cursor is. The cursor moves, and text is cut, by grapheme (what a
//! person sees as one character: `e` and its accent, a Hindi syllable, an emoji), found by
//! `unicode-segmentation`; widths are display columns from `unicode-width` (two for CJK, none for
//! a combining mark).

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The text typed so far and the cursor, a byte offset always at a grapheme's start.
#[derive(Debug, Default)]
pub struct Input {
    text: String,
    cursor: usize,
}

/// A change the keys ask for (see [`super::keys`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Insert(String),
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
    /// Ctrl-U: everything before the cursor.
    KillBefore,
    /// Ctrl-K: everything after it.
    KillAfter,
    /// Ctrl-W: the word before the cursor, up to the space before it (which stays).
    KillWord,
}

impl Input {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the text (a recalled line), the cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = text.len();
    }

    /// Empties the line and gives back what it held.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    pub fn edit(&mut self, edit: Edit) {
        let (before, after) = self.text.split_at(self.cursor);
        let previous = before
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(at, _)| at);
        let next = self.cursor + after.graphemes(true).next().map_or(0, str::len);
        let trimmed = before.trim_end();
        let word = trimmed.rfind(char::is_whitespace).map_or(0, |at| {
            at + trimmed[at..].chars().next().map_or(0, char::len_utf8)
        });
        match edit {
            Edit::Insert(text) => {
                self.text.insert_str(self.cursor, &text);
                self.cursor += text.len();
            }
            Edit::Left => self.cursor = previous,
            Edit::Right => self.cursor = next,
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::Backspace => self.cut(previous..self.cursor),
            Edit::Delete => self.cut(self.cursor..next),
            Edit::KillBefore => self.cut(0..self.cursor),
            Edit::KillAfter => self.cut(self.cursor..self.text.len()),
            Edit::KillWord => self.cut(word..self.cursor),
        }
    }

    fn cut(&mut self, range: Range<usize>) {
        self.cursor = range.start;
        self.text.replace_range(range, "");
    }

    /// The rows of the line after a prompt `prompt_width` columns wide, in a window `columns`
    /// wide. The text's own newlines (from a paste) end rows too.
    pub fn layout(&self, prompt_width: usize, columns: usize) -> Layout {
        let columns = columns.max(prompt_width + 1);
        let mut layout = Layout::default();
        let (mut start, mut column) = (0, prompt_width);
        for (at, grapheme) in self.text.grapheme_indices(true) {
            let (width, newline) = (grapheme.width(), grapheme == "\n");
            if !newline && column + width > columns {
                layout.rows.push(start..at);
                (start, column) = (at, 0);
            }
            if at == self.cursor {
                layout.cursor = (layout.rows.len(), column);
            }
            if newline {
                layout.rows.push(start..at);
                (start, column) = (at + 1, 0);
            } else {
                column += width;
            }
        }
        // A last row filled to the edge puts the cursor, and so the end, on the next row.
        if column == columns {
            layout.rows.push(start..self.text.len());
            (start, column) = (self.text.len(), 0);
        }
        if self.cursor == self.text.len() {
            layout.cursor = (layout.rows.len(), column);
        }
        layout.rows.push(start..self.text.len());
        layout
    }
}

/// Where the rows of a line start and end (byte ranges of the text; the first row follows the
/// prompt), and the cursor's (row, column).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub rows: Vec<Range<usize>>,
    pub cursor: (usize, usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Input {
        let mut input = Input::default();
        input.edit(Edit::Insert(text.to_string()));
        input
    }

    #[test]
    fn the_cursor_moves_and_deletes_whole_graphemes() {
        // Graphemes: `a`, `e` and its accent, `न`, `म`, and the conjunct `स्ते` (four code points).
        let mut input = typed("ae\u{301}नमस्ते");
        input.edit(Edit::Left);
        input.edit(Edit::Backspace);
        assert_eq!(input.text(), "ae\u{301}नस्ते");
        input.edit(Edit::Home);
        input.edit(Edit::Right);
        input.edit(Edit::Delete);
        assert_eq!(input.text(), "aनस्ते");
        input.edit(Edit::End);
        input.edit(Edit::Insert("!".into()));
        assert_eq!(input.text(), "aनस्ते!");
    }

    #[test]
    fn kills_cut_before_after_and_the_last_word() {
        let mut input = typed("hello wide world");
        input.edit(Edit::KillWord);
        assert_eq!(input.text(), "hello wide ");
        input.edit(Edit::KillWord);
        assert_eq!(input.text(), "hello ");
        input.edit(Edit::Left);
        input.edit(Edit::KillAfter);
        assert_eq!(input.text(), "hello");
        input.edit(Edit::KillBefore);
        assert_eq!(input.text(), "");
        input.edit(Edit::Insert("x".into()));
        assert_eq!((input.take().as_str(), input.text()), ("x", ""));
    }

    #[test]
    fn rows_follow_the_window_width_wide_characters_and_newlines() {
        let layout = typed("0123456789ab").layout(8, 10);
        assert_eq!(layout.rows, [0..2, 2..12, 12..12]);
        assert_eq!(layout.cursor, (2, 0));
        let wide = typed("a日本語日本").layout(8, 10);
        assert_eq!(
            (wide.rows, wide.cursor),
            (vec![0..1, 1..16, 16..16], (2, 0))
        );
        let mut pasted = typed("one\ntwo");
        assert_eq!(pasted.layout(8, 40).cursor, (1, 3));
        (0..4).for_each(|_| pasted.edit(Edit::Left));
        let layout = pasted.layout(8, 40);
        assert_eq!((layout.rows, layout.cursor), (vec![0..3, 4..7], (0, 11)));
    }
}
