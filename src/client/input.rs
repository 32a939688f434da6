//! The line being edited: its text, the cursor in it, and the rows both take on screen.
//!
//! Go counterpart: none; the original leaves the line to the terminal, which edits it only until
//! the first incoming message moves the cursor. Here the terminal's owner (see [`super::screen`])
//! keeps the line and draws it again after every change, so it needs to know where each row of
//! it starts and where the cursor is. The cursor moves, and text is cut, by grapheme (what a
//! person sees as one character: `e` and its accent, a Hindi syllable, an emoji), found by
//! `unicode-segmentation`; widths are display columns from `unicode-width` (two for CJK, none for
//! a combining mark). `crossterm` turns the bytes a key sends (`ESC [ D` for Left, 0x17 for
//! Ctrl-W) into the key events read here.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The text typed so far and the cursor, a byte offset always at a grapheme's start.
#[derive(Debug, Default)]
pub struct Input {
    text: String,
    cursor: usize,
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

    pub fn insert(&mut self, text: &str) {
        self.text.insert_str(self.cursor, text);
        self.cursor += text.len();
    }

    /// A paste, as the line holds it: its line breaks as newlines (a terminal pastes them as
    /// carriage returns), a tab as a space, and no other control character, which would move
    /// the cursor where the frame does not expect it.
    pub fn paste(&mut self, text: &str) {
        let text = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', " ");
        self.insert(&text.replace(|c: char| c.is_control() && c != '\n', ""));
    }

    /// The editing keys, those of a shell (GNU readline's emacs keys): a letter, Left/Right or
    /// Ctrl-B/F, Home/End or Ctrl-A/E, Backspace or Ctrl-H, Delete or Ctrl-D, and Ctrl-U, Ctrl-K
    /// and Ctrl-W, which cut everything before the cursor, everything after it, and the word
    /// before it (up to the space before the word, which stays). Other keys do nothing here.
    pub fn edit(&mut self, key: KeyEvent) {
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
        let (end, ctrl) = (self.text.len(), key.modifiers == KeyModifiers::CONTROL);
        match (key.code, ctrl) {
            (KeyCode::Left, _) | (KeyCode::Char('b'), true) => self.cursor = previous,
            (KeyCode::Right, _) | (KeyCode::Char('f'), true) => self.cursor = next,
            (KeyCode::Home, _) | (KeyCode::Char('a'), true) => self.cursor = 0,
            (KeyCode::End, _) | (KeyCode::Char('e'), true) => self.cursor = end,
            (KeyCode::Backspace, _) | (KeyCode::Char('h'), true) => self.cut(previous..self.cursor),
            (KeyCode::Delete, _) | (KeyCode::Char('d'), true) => self.cut(self.cursor..next),
            (KeyCode::Char('u'), true) => self.cut(0..self.cursor),
            (KeyCode::Char('k'), true) => self.cut(self.cursor..end),
            (KeyCode::Char('w'), true) => self.cut(word..self.cursor),
            (KeyCode::Char(c), false) if (key.modifiers - KeyModifiers::SHIFT).is_empty() => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            _ => {}
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
        input.insert(text);
        input
    }

    fn press(input: &mut Input, code: KeyCode) {
        input.edit(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn ctrl(input: &mut Input, letter: char) {
        input.edit(KeyEvent::new(KeyCode::Char(letter), KeyModifiers::CONTROL));
    }

    #[test]
    fn the_cursor_moves_and_deletes_whole_graphemes() {
        // Graphemes: `a`, `e` and its accent, `न`, `म`, and the conjunct `स्ते` (four code points).
        let mut input = typed("ae\u{301}नमस्ते");
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Backspace);
        assert_eq!(input.text(), "ae\u{301}नस्ते");
        press(&mut input, KeyCode::Home);
        press(&mut input, KeyCode::Right);
        press(&mut input, KeyCode::Delete);
        assert_eq!(input.text(), "aनस्ते");
        ctrl(&mut input, 'e');
        input.edit(KeyEvent::new(KeyCode::Char('!'), KeyModifiers::SHIFT));
        input.edit(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
        assert_eq!(input.text(), "aनस्ते!");
    }

    #[test]
    fn kills_cut_before_after_and_the_last_word() {
        let mut input = typed("hello wide world");
        ctrl(&mut input, 'w');
        assert_eq!(input.text(), "hello wide ");
        ctrl(&mut input, 'w');
        assert_eq!(input.text(), "hello ");
        ctrl(&mut input, 'b');
        ctrl(&mut input, 'k');
        assert_eq!(input.text(), "hello");
        ctrl(&mut input, 'u');
        assert_eq!(input.text(), "");
        input.insert("x");
        assert_eq!((input.take().as_str(), input.text()), ("x", ""));
    }

    #[test]
    fn a_paste_keeps_its_lines_and_loses_its_control_characters() {
        let mut input = typed("");
        input.paste("one\rtwo\r\nthree\n\ta\x1b[31mb\x07");
        assert_eq!(input.text(), "one\ntwo\nthree\n a[31mb");
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
        (0..4).for_each(|_| press(&mut pasted, KeyCode::Left));
        let layout = pasted.layout(8, 40);
        assert_eq!((layout.rows, layout.cursor), (vec![0..3, 4..7], (0, 11)));
    }
}
