//! What the receiver makes of each line from the server: the text to show, in its colour, and in
//! a terminal, when to ask for an ID and when the chat begins. Pure: no terminal, no socket.
//!
//! Go counterpart: the original's reader goroutine, `io.Copy(os.Stdout, conn)`, which shows every
//! byte as it comes. Ours knows the dialogue (see [`super::dialogue`]): in a terminal the server's
//! `Enter your ID:` becomes the line editor's prompt, and the user list starts the chat's
//! `[you] > ` prompt. Anywhere else (a pipe, a file) every line is printed as it is, so a script's
//! output is exactly the server's side of the dialogue.

use super::dialogue::{self, Phase};
use super::render::{self, LineKind};
use super::terminal::Mode;
use crate::protocol;

/// Printed when the connection ends without the user having left.
pub const DISCONNECTED: &str = "** Disconnected from server **";

/// How the connection ended, from the user's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user typed `/quit`, ended the input, or pressed Ctrl-C or Ctrl-D on an empty line, and
    /// the server then closed the connection.
    Left,
    /// The server said it was shutting down, and closed the connection. A clean end, like
    /// leaving (exit code 0), in a terminal and in a pipe alike.
    ServerStopped,
    /// The server closed the connection (or it broke) without a word, while the user was still in
    /// the chat.
    Disconnected,
}

/// What to do with one line from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Print this (painted) line.
    Line(String),
    /// Terminal only: read an ID, with this (painted) prompt.
    AskId(String),
    /// Terminal only: the user is in; edit chat lines from now on.
    Chat,
}

/// The receiver's view of the conversation.
pub struct Console {
    mode: Mode,
    colour: bool,
    phase: Phase,
    /// The `--id` already sent for the first prompt; in a terminal it is shown after that prompt
    /// as if typed.
    auto_id: Option<String>,
    /// The server's shutdown notice, held back in a terminal to be the last line shown.
    farewell: Option<String>,
    /// The server said it was shutting down (in a pipe, where its notice is printed at once).
    stopped: bool,
}

impl Console {
    pub fn new(mode: Mode, colour: bool, auto_id: Option<String>) -> Console {
        Console {
            mode,
            colour,
            phase: Phase::ChoosingId,
            auto_id,
            farewell: None,
            stopped: false,
        }
    }

    /// Takes one (sanitized) line from the server and says what to show.
    pub fn server_line(&mut self, line: &str) -> Vec<Shown> {
        let entering_chat = self.phase == Phase::ChoosingId && dialogue::is_welcome(line);
        self.phase = dialogue::next_phase(self.phase, line);
        let painted = self.paint(render::classify(line), line);
        if self.mode == Mode::Plain {
            self.auto_id = None;
            self.stopped |= line == protocol::SHUTTING_DOWN;
            return vec![Shown::Line(painted)];
        }
        let mut shown: Vec<Shown> = self.farewell.take().map(Shown::Line).into_iter().collect();
        if line == protocol::SHUTTING_DOWN {
            self.farewell = Some(painted);
        } else if line == protocol::ID_PROMPT {
            shown.push(self.ask_for_id(line));
        } else {
            shown.push(Shown::Line(painted));
            if entering_chat {
                shown.push(Shown::Chat);
            }
        }
        shown
    }

    /// A notice of the client's own, styled like the server's system lines.
    pub fn notice(&self, text: &str) -> String {
        self.paint(LineKind::System, text)
    }

    /// The connection is over: how it ended, and the last line to show, if any. `left` says
    /// whether the user had left.
    pub fn connection_ended(&mut self, left: bool) -> (Ending, Option<String>) {
        let farewell = self.farewell.take();
        if left {
            (Ending::Left, farewell)
        } else if farewell.is_some() || self.stopped {
            (Ending::ServerStopped, farewell)
        } else {
            (Ending::Disconnected, Some(self.notice(DISCONNECTED)))
        }
    }

    /// The server's `Enter your ID:`, answered already by `--id`, or to be asked.
    fn ask_for_id(&mut self, line: &str) -> Shown {
        let prompt = self.paint(LineKind::System, &render::as_prompt(line));
        match self.auto_id.take() {
            Some(id) => Shown::Line(format!("{prompt}{id}")),
            None => Shown::AskId(prompt),
        }
    }

    fn paint(&self, kind: LineKind, text: &str) -> String {
        render::paint(kind, text, self.colour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Shown {
        Shown::Line(text.to_string())
    }

    #[test]
    fn plain_mode_shows_the_servers_lines_as_they_are() {
        let mut plain = Console::new(Mode::Plain, false, Some("Ahmed".into()));
        assert_eq!(
            plain.server_line("Enter your ID:"),
            [line("Enter your ID:")]
        );
        assert_eq!(
            plain.server_line("** No other users in chat **"),
            [line("** No other users in chat **")]
        );
        let mut vanished = Console::new(Mode::Plain, false, None);
        assert_eq!(
            vanished.connection_ended(false),
            (Ending::Disconnected, Some(DISCONNECTED.to_string()))
        );
        assert_eq!(
            plain.server_line(protocol::SHUTTING_DOWN),
            [line(protocol::SHUTTING_DOWN)]
        );
        assert_eq!(plain.connection_ended(false), (Ending::ServerStopped, None));
    }

    #[test]
    fn a_terminal_asks_for_an_id_unless_given_one_and_then_starts_the_chat() {
        let mut terminal = Console::new(Mode::Terminal, false, Some("Omar".into()));
        assert_eq!(
            terminal.server_line("Enter your ID:"),
            [line("Enter your ID: Omar")]
        );
        let taken = "ID 'Omar' is already taken";
        assert_eq!(terminal.server_line(taken), [line(taken)]);
        assert_eq!(
            terminal.server_line("Enter your ID:"),
            [Shown::AskId("Enter your ID: ".into())]
        );
        let welcome = "** Current users in chat: Omar **";
        assert_eq!(terminal.server_line(welcome), [line(welcome), Shown::Chat]);
        assert_eq!(terminal.server_line("[Omar]: hi"), [line("[Omar]: hi")]);
    }

    #[test]
    fn in_a_terminal_the_shutdown_notice_is_the_last_line_and_a_clean_end() {
        let mut terminal = Console::new(Mode::Terminal, true, None);
        assert_eq!(terminal.server_line(protocol::SHUTTING_DOWN), []);
        let blue = "\x1b[34m** Server is shutting down **\x1b[0m".to_string();
        assert_eq!(
            terminal.connection_ended(false),
            (Ending::ServerStopped, Some(blue))
        );
    }

    #[test]
    fn the_end_is_a_disconnection_only_if_the_user_had_not_left() {
        let mut terminal = Console::new(Mode::Terminal, false, None);
        assert_eq!(terminal.connection_ended(true), (Ending::Left, None));
        assert_eq!(
            terminal.connection_ended(false),
            (Ending::Disconnected, Some(DISCONNECTED.to_string()))
        );
    }

    #[test]
    fn colours_follow_the_kind_of_line() {
        let mut plain = Console::new(Mode::Plain, true, None);
        assert_eq!(
            plain.server_line("[Omar]: hi"),
            [line("\x1b[33m[Omar]: hi\x1b[0m")]
        );
        assert_eq!(
            plain.server_line("User Sarah joined the chat"),
            [line("\x1b[34mUser Sarah joined the chat\x1b[0m")]
        );
    }
}
