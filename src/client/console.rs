//! The one renderer: everything the client writes to the screen goes through a [`Console`], and
//! both threads reach it through one mutex, so two lines never interleave mid-line.
//!
//! Go counterpart: `os.Stdout`, written by the original's reader goroutine alone. Ours has two
//! writers (incoming lines, and the rewrite of the user's own line after Enter), so the screen
//! gets one guard, [`SharedConsole`]. Each call builds its whole frame as one string and writes it
//! with one `write_all`, while the lock is held; no lock is held across a socket or stdin read.
//!
//! In a terminal the prompt stays on the last line. An incoming line clears that line, is printed,
//! and the prompt is drawn again below it; after Enter, the line the terminal echoed is rewritten
//! as `[you] > text` in green. Anywhere else (a pipe, a file) there is no prompt and no cursor
//! movement: the server's lines are printed as they are, one per line, and the user's own lines
//! are not echoed, so a script's output is exactly the server's side of the dialogue.
//!
//! NOTE: the client reads the terminal a line at a time (no raw mode, no extra crate), so it cannot
//! see what the user is typing. Three consequences: a message that arrives mid-typing erases the
//! half-typed text from view (it is still in the terminal's line buffer, and is sent on Enter); the
//! rewrite after Enter counts rows by characters, so wide (CJK, emoji) text may leave a stray row;
//! and a message arriving in the instant between Enter and the rewrite can be the line rewritten.

use super::dialogue::{self, Phase, Typed};
use super::render::{self, LineKind, PROMPT};
use super::terminal::{self, Mode, echoed_rows};
use crate::protocol;
use parking_lot::Mutex;
use std::io::{self, Stdout, Write};
use std::sync::Arc;

/// The console both client threads draw on. The receiver locks it for each line from the server;
/// the sender locks it for each line the user types, and once to leave.
pub type SharedConsole = Arc<Mutex<Console<Stdout>>>;

/// Printed when the connection ends without the user having left.
pub const DISCONNECTED: &str = "** Disconnected from server **";

/// Moves the cursor to the start of its line and erases the line.
const CLEAR_LINE: &str = "\r\x1b[2K";
/// Erases from the cursor to the end of the screen: the rest of a long typed line that wrapped.
const CLEAR_BELOW: &str = "\x1b[J";

/// How the connection ended, from the user's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user typed `/quit` or ended the input, and the server then closed the connection.
    Left,
    /// The server closed the connection (or it broke) while the user was still in the chat.
    Disconnected,
}

/// The screen, and what both threads must agree on about the conversation.
pub struct Console<W: Write> {
    out: W,
    mode: Mode,
    colour: bool,
    phase: Phase,
    /// The painted prompt drawn on the last line, or `None` when nothing is (the user's Enter has
    /// just moved the cursor to a fresh line and the server's answer is awaited). Always `None` in
    /// plain mode.
    prompt: Option<String>,
    /// The `--id` already sent for the first prompt; in a terminal it is shown after that prompt
    /// as if typed.
    auto_id: Option<String>,
    /// Set by the sender before it stops sending, read by the receiver when the connection ends:
    /// the difference between "we left" (exit 0) and "the server went away" (exit 1).
    leaving: bool,
    /// Asks the terminal how many columns it has, each time (the window may have been resized);
    /// `None` if it cannot tell, and a typed line is then taken to fill one row.
    columns: fn() -> Option<usize>,
}

impl Console<Stdout> {
    /// A console on standard output, drawn as [`terminal::detect`] found it.
    pub fn for_stdout(mode: Mode, colour: bool, auto_id: Option<String>) -> SharedConsole {
        let mut console = Console::new(io::stdout(), mode, colour, auto_id);
        console.columns = terminal::columns;
        Arc::new(Mutex::new(console))
    }
}

impl<W: Write> Console<W> {
    pub fn new(out: W, mode: Mode, colour: bool, auto_id: Option<String>) -> Console<W> {
        Console {
            out,
            mode,
            colour,
            phase: Phase::ChoosingId,
            prompt: None,
            auto_id,
            leaving: false,
            columns: || None,
        }
    }

    /// Shows one (sanitized) line from the server.
    pub fn server_line(&mut self, line: &str) {
        let entering_chat = self.phase == Phase::ChoosingId && dialogue::is_welcome(line);
        self.phase = dialogue::next_phase(self.phase, line);
        let painted = render::paint(render::classify(line), line, self.colour);
        if self.mode == Mode::Plain {
            self.auto_id = None;
            return self.write(&format!("{painted}\n"));
        }
        if line == protocol::ID_PROMPT {
            return self.ask_for_id(line);
        }
        if entering_chat && !self.leaving {
            self.prompt = Some(self.paint(LineKind::Own, PROMPT));
        }
        self.show_above_prompt(&painted);
    }

    /// Shows a notice of the client's own, styled like the server's system lines.
    pub fn notice(&mut self, text: &str) {
        let painted = self.paint(LineKind::System, text);
        match self.mode {
            Mode::Plain => self.write(&format!("{painted}\n")),
            Mode::Terminal => self.show_above_prompt(&painted),
        }
    }

    /// Takes note of a line the user typed (the terminal has already echoed it and moved to a new
    /// line) and says what it means, so the sender knows whether to send it.
    pub fn typed(&mut self, raw: &[u8]) -> Typed {
        let typed = dialogue::classify_typed(self.phase, raw);
        if self.mode == Mode::Terminal {
            let rows = echoed_rows(PROMPT, &String::from_utf8_lossy(raw), (self.columns)());
            let frame = self.after_enter(&typed, rows);
            self.write(&frame);
        }
        typed
    }

    /// The user leaves: nothing more will be typed. Clears the prompt the user stopped at.
    pub fn leave(&mut self) {
        self.leaving = true;
        if self.prompt.take().is_some() {
            self.write(CLEAR_LINE);
        }
    }

    /// The connection is over. Says whether the user had left, and if not, tells them.
    pub fn connection_ended(&mut self) -> Ending {
        if self.leaving {
            return Ending::Left;
        }
        self.prompt = None;
        self.notice(DISCONNECTED);
        Ending::Disconnected
    }

    /// The server's `Enter your ID:`, drawn as a prompt to type after, or answered already.
    fn ask_for_id(&mut self, line: &str) {
        let prompt = self.paint(LineKind::System, &render::as_prompt(line));
        if let Some(id) = self.auto_id.take() {
            self.prompt = None;
            self.write(&format!("{CLEAR_LINE}{prompt}{id}\n"));
        } else {
            self.write(&format!("{CLEAR_LINE}{prompt}"));
            self.prompt = Some(prompt);
        }
    }

    /// The frame after the user pressed Enter, the echo having taken `rows` rows. Only a chat
    /// message is rewritten (in green); a blank line is erased; an ID or a command stays as the
    /// terminal echoed it.
    fn after_enter(&mut self, typed: &Typed, rows: usize) -> String {
        let back_to_echo = format!("\x1b[{rows}A{CLEAR_LINE}{CLEAR_BELOW}");
        match typed {
            Typed::Message(text) => {
                let own = self.paint(LineKind::Own, &render::own_line(text));
                format!("{back_to_echo}{own}\n{}", self.prompt_text())
            }
            Typed::Blank => format!("{back_to_echo}{}", self.prompt_text()),
            Typed::Command => self.prompt_text().to_string(),
            Typed::Id | Typed::Quit => {
                self.prompt = None;
                String::new()
            }
        }
    }

    /// Clears the prompt's line, prints the line there, and draws the prompt again below it.
    fn show_above_prompt(&mut self, painted: &str) {
        let frame = format!("{CLEAR_LINE}{painted}\n{}", self.prompt_text());
        self.write(&frame);
    }

    fn prompt_text(&self) -> &str {
        self.prompt.as_deref().unwrap_or("")
    }

    fn paint(&self, kind: LineKind, text: &str) -> String {
        render::paint(kind, text, self.colour)
    }

    fn write(&mut self, frame: &str) {
        // NOTE: ignoring errors: if standard output is gone there is no one left to tell, and the
        // conversation (the other users' view of it) goes on regardless.
        let _ = self.out.write_all(frame.as_bytes());
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console(mode: Mode, colour: bool, auto_id: Option<&str>) -> Console<Vec<u8>> {
        Console::new(Vec::new(), mode, colour, auto_id.map(str::to_string))
    }

    /// What was written since the last call.
    fn drawn(console: &mut Console<Vec<u8>>) -> String {
        String::from_utf8(std::mem::take(&mut console.out)).expect("frames are UTF-8")
    }

    #[test]
    fn plain_mode_prints_the_servers_lines_as_they_are_and_echoes_nothing() {
        let mut plain = console(Mode::Plain, false, Some("Ahmed"));
        plain.server_line("Enter your ID:");
        plain.server_line("** No other users in chat **");
        assert_eq!(plain.typed(b"Hello!"), Typed::Message("Hello!".into()));
        plain.server_line("[Omar]: Hi Ahmed!");
        assert_eq!(
            drawn(&mut plain),
            "Enter your ID:\n** No other users in chat **\n[Omar]: Hi Ahmed!\n"
        );
    }

    #[test]
    fn a_terminal_asks_for_the_id_on_the_prompt_line() {
        let mut terminal = console(Mode::Terminal, false, None);
        terminal.server_line("Enter your ID:");
        assert_eq!(drawn(&mut terminal), "\r\x1b[2KEnter your ID: ");
        assert_eq!(terminal.typed(b"Omar"), Typed::Id);
        terminal.server_line("ID 'Omar' is already taken");
        assert_eq!(
            drawn(&mut terminal),
            "\r\x1b[2KID 'Omar' is already taken\n"
        );
    }

    #[test]
    fn a_terminal_shows_the_id_given_on_the_command_line_as_if_typed() {
        let mut terminal = console(Mode::Terminal, false, Some("Ahmed"));
        terminal.server_line("Enter your ID:");
        assert_eq!(drawn(&mut terminal), "\r\x1b[2KEnter your ID: Ahmed\n");
    }

    #[test]
    fn an_incoming_line_clears_the_prompt_and_the_prompt_comes_back_below_it() {
        let mut terminal = console(Mode::Terminal, false, Some("Ahmed"));
        terminal.server_line("Enter your ID:");
        terminal.server_line("** Current users in chat: Omar, Sarah **");
        assert!(
            drawn(&mut terminal).ends_with("** Current users in chat: Omar, Sarah **\n[you] > ")
        );
        terminal.server_line("[Omar]: Hi Ahmed!");
        assert_eq!(drawn(&mut terminal), "\r\x1b[2K[Omar]: Hi Ahmed!\n[you] > ");
    }

    #[test]
    fn after_enter_a_message_is_rewritten_and_a_command_left_as_typed() {
        let mut terminal = console(Mode::Terminal, true, Some("Ahmed"));
        terminal.server_line("Enter your ID:");
        terminal.server_line("** No other users in chat **");
        drawn(&mut terminal);
        let prompt = "\x1b[32m[you] > \x1b[0m";
        terminal.typed(b"Hello!");
        assert_eq!(
            drawn(&mut terminal),
            format!("\x1b[1A\r\x1b[2K\x1b[J\x1b[32m[you] > Hello!\x1b[0m\n{prompt}")
        );
        assert_eq!(terminal.typed(b"/users"), Typed::Command);
        assert_eq!(drawn(&mut terminal), prompt);
        assert_eq!(terminal.typed(b" "), Typed::Blank);
        assert_eq!(
            drawn(&mut terminal),
            format!("\x1b[1A\r\x1b[2K\x1b[J{prompt}")
        );
    }

    #[test]
    fn colours_follow_the_kind_of_line() {
        let mut plain = console(Mode::Plain, true, None);
        plain.server_line("[Omar]: hi");
        plain.server_line("User Sarah joined the chat");
        assert_eq!(
            drawn(&mut plain),
            "\x1b[33m[Omar]: hi\x1b[0m\n\x1b[34mUser Sarah joined the chat\x1b[0m\n"
        );
    }

    #[test]
    fn the_end_is_a_disconnection_only_if_the_user_had_not_left() {
        let mut stayed = console(Mode::Terminal, false, Some("Ahmed"));
        stayed.server_line("Enter your ID:");
        stayed.server_line("** No other users in chat **");
        drawn(&mut stayed);
        assert_eq!(stayed.connection_ended(), Ending::Disconnected);
        assert_eq!(
            drawn(&mut stayed),
            "\r\x1b[2K** Disconnected from server **\n"
        );

        let mut left = console(Mode::Terminal, false, Some("Ahmed"));
        left.server_line("Enter your ID:");
        left.server_line("** No other users in chat **");
        drawn(&mut left);
        left.leave();
        assert_eq!(drawn(&mut left), "\r\x1b[2K");
        left.server_line("** Server is shutting down **");
        assert_eq!(drawn(&mut left), "\r\x1b[2K** Server is shutting down **\n");
        assert_eq!(left.connection_ended(), Ending::Left);
        assert_eq!(drawn(&mut left), "");
    }
}
