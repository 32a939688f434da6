//! What each key does, as a shell's line editor (GNU readline's emacs keys) would, plus what a
//! chat adds: Enter sends, Ctrl-C and Ctrl-D leave on an empty line, Up and Down walk this
//! session's sent lines.
//!
//! Go counterpart: none; the original leaves every key to the terminal. `crossterm` turns the
//! bytes a key sends (`ESC [ A` for Up, 0x17 for Ctrl-W) into a [`KeyEvent`]; this module turns
//! that into what the terminal's owner does with it. Pure: nothing here draws or sends.

use super::input::Edit;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key press asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Edit(Edit),
    /// Enter: send the line (or, while choosing an ID, the ID).
    Submit,
    /// Up (`true`) or Down through the lines sent in this session.
    Recall(bool),
    /// Ctrl-C on a line with text: empty it, as a shell does.
    Clear,
    /// Ctrl-C or Ctrl-D on an empty line.
    Leave,
    /// Ctrl-L: clear the screen, the line at the top.
    ClearScreen,
    /// Ctrl-Z: stop the client until the shell's `fg`.
    Suspend,
}

/// The action for `key`, on a line that is `empty` or not; `None` for keys that do nothing
/// (Tab, function keys, a key released).
pub fn action(key: KeyEvent, empty: bool) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers == KeyModifiers::CONTROL {
        return control(key.code, empty);
    }
    let edit = match key.code {
        KeyCode::Enter => return Some(Action::Submit),
        KeyCode::Up => return Some(Action::Recall(true)),
        KeyCode::Down => return Some(Action::Recall(false)),
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Char(c) if (key.modifiers - KeyModifiers::SHIFT).is_empty() => {
            Edit::Insert(c.to_string())
        }
        _ => return None,
    };
    Some(Action::Edit(edit))
}

/// Ctrl and a letter.
fn control(code: KeyCode, empty: bool) -> Option<Action> {
    let KeyCode::Char(letter) = code else {
        return None;
    };
    let edit = match letter {
        'c' | 'd' if empty => return Some(Action::Leave),
        'c' => return Some(Action::Clear),
        'j' | 'm' => return Some(Action::Submit),
        'p' => return Some(Action::Recall(true)),
        'n' => return Some(Action::Recall(false)),
        'l' => return Some(Action::ClearScreen),
        'z' => return Some(Action::Suspend),
        'a' => Edit::Home,
        'e' => Edit::End,
        'b' => Edit::Left,
        'f' => Edit::Right,
        'h' => Edit::Backspace,
        'd' => Edit::Delete,
        'u' => Edit::KillBefore,
        'k' => Edit::KillAfter,
        'w' => Edit::KillWord,
        _ => return None,
    };
    Some(Action::Edit(edit))
}

/// A paste as the line will hold it: its line breaks as newlines (a terminal pastes them as
/// carriage returns), a tab as a space, and no other control character, which would move the
/// cursor where the owner does not expect it.
pub fn pasted(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' | '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn ctrl_c_and_ctrl_d_leave_only_an_empty_line() {
        let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl('c'), true), Some(Action::Leave));
        assert_eq!(action(ctrl('c'), false), Some(Action::Clear));
        assert_eq!(action(ctrl('d'), true), Some(Action::Leave));
        assert_eq!(action(ctrl('d'), false), Some(Action::Edit(Edit::Delete)));
        assert_eq!(action(ctrl('w'), false), Some(Action::Edit(Edit::KillWord)));
    }

    #[test]
    fn letters_are_typed_with_or_without_shift_and_alt_is_ignored() {
        let typed = |modifiers| action(key(KeyCode::Char('A'), modifiers), true);
        let insert = Some(Action::Edit(Edit::Insert("A".into())));
        assert_eq!(typed(KeyModifiers::SHIFT), insert);
        assert_eq!(typed(KeyModifiers::NONE), insert);
        assert_eq!(typed(KeyModifiers::ALT), None);
        assert_eq!(action(key(KeyCode::Tab, KeyModifiers::NONE), true), None);
    }

    #[test]
    fn a_paste_keeps_its_lines_and_loses_its_control_characters() {
        assert_eq!(pasted("one\rtwo\r\nthree\n"), "one\ntwo\nthree\n");
        assert_eq!(pasted("a\tb\x1b[31mc\x07"), "a b[31mc");
    }
}
