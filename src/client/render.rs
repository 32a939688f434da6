//! What a line looks like on screen: its kind decides its colour. Pure functions, no terminal.
//!
//! Go counterpart: the original client prints every line as it comes (`fmt.Println`). Here each
//! line is classified once, by the protocol's one rule (a user's message starts with `[`, a system
//! line never does), and painted with `ansi_term`. Cursor movement lives in [`super::console`];
//! this module only turns text into text, so every colour is checked by a unit test.

use ansi_term::Colour;

/// The prompt on the last line of a terminal while the user may type a message. The same text
/// starts each of the user's own lines in the scrollback, so the transcript reads
/// `[you] > Hello!` / `[Omar]: Hi Ahmed!`.
pub const PROMPT: &str = "[you] > ";

/// The three kinds of line a user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Another user's message, `[Omar]: hi`: yellow.
    Message,
    /// Everything else the server sends (prompts, notices, user lists), and the client's own
    /// notices: blue.
    System,
    /// The user's own message, and the prompt it is typed at: green.
    Own,
}

impl LineKind {
    fn colour(self) -> Colour {
        match self {
            LineKind::Message => Colour::Yellow,
            LineKind::System => Colour::Blue,
            LineKind::Own => Colour::Green,
        }
    }
}

/// Classifies a line from the server.
pub fn classify(server_line: &str) -> LineKind {
    if server_line.starts_with('[') {
        LineKind::Message
    } else {
        LineKind::System
    }
}

/// The text as it is shown: wrapped in its kind's colour, or untouched when colour is off.
pub fn paint(kind: LineKind, text: &str, colour: bool) -> String {
    if colour {
        kind.colour().paint(text).to_string()
    } else {
        text.to_string()
    }
}

/// The user's own message as the scrollback keeps it: `[you] > Hello!`.
pub fn own_line(text: &str) -> String {
    format!("{PROMPT}{text}")
}

/// The server's `Enter your ID:` shown as a prompt: the user types on the same line, after a space.
pub fn as_prompt(server_line: &str) -> String {
    format!("{server_line} ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_starting_with_a_bracket_are_messages() {
        assert_eq!(classify("[Omar]: Hi Ahmed!"), LineKind::Message);
        assert_eq!(
            classify("** Current users in chat: Omar **"),
            LineKind::System
        );
        assert_eq!(classify("Enter your ID:"), LineKind::System);
        assert_eq!(classify("User Omar joined the chat"), LineKind::System);
        assert_eq!(classify(" [not a message]"), LineKind::System);
        assert_eq!(classify(""), LineKind::System);
    }

    #[test]
    fn each_kind_has_its_colour() {
        assert_eq!(
            paint(LineKind::Message, "[Omar]: hi", true),
            "\x1b[33m[Omar]: hi\x1b[0m"
        );
        assert_eq!(
            paint(LineKind::System, "** No other users in chat **", true),
            "\x1b[34m** No other users in chat **\x1b[0m"
        );
        assert_eq!(
            paint(LineKind::Own, "[you] > Hello!", true),
            "\x1b[32m[you] > Hello!\x1b[0m"
        );
    }

    #[test]
    fn without_colour_the_text_is_untouched() {
        for kind in [LineKind::Message, LineKind::System, LineKind::Own] {
            assert_eq!(paint(kind, "[Omar]: hi", false), "[Omar]: hi");
        }
    }

    #[test]
    fn own_lines_and_prompts_read_like_the_transcript() {
        assert_eq!(own_line("Hello!"), "[you] > Hello!");
        assert_eq!(own_line(""), PROMPT);
        assert_eq!(as_prompt("Enter your ID:"), "Enter your ID: ");
    }
}
