//! What happens to a line the user submits in the chat: checked against the server's limit,
//! shown above the editor as the user's own, remembered for Up, and sent.
//!
//! Go counterpart: `io.Copy(conn, os.Stdin)`, which sends whatever the terminal hands it, cut
//! wherever the terminal's own line limit cuts it. Here the whole line is in hand before anything
//! is sent, so a line the server would refuse is kept for the user to shorten, and a paste of
//! several lines becomes several messages.

use super::dialogue::{self, Phase, Typed};
use super::history::History;
use super::render::{self, LineKind, PROMPT};
use super::screen::Draw;
use crate::Config;
use crossbeam_channel::Sender;
use parking_lot::Mutex;
use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// What the editor's key handlers share with the `editor` thread that runs them. Everything here
/// is used on that one thread; the locks are there because rustyline wants key handlers `Sync`.
pub struct Outbox {
    /// The socket, written only from the `editor` thread (the `--id` answer included).
    pub stream: Arc<TcpStream>,
    /// To the `screen` thread: the user's own lines and the client's notices.
    pub screen: Sender<Draw>,
    pub colour: bool,
    /// The longest line sent, in bytes: the server's default `--max-line`, since the client
    /// cannot ask a server for its setting and a longer line would be refused whole. Without the
    /// check the user would learn only after sending, with the line gone from the editor.
    pub max_line: usize,
    /// Set once the chat begins; until then Enter ends `readline` as usual.
    pub chatting: AtomicBool,
    pub history: Mutex<History>,
    /// A line Up or Down has picked, for the completion hook to put in the editor (see
    /// `keys::Recall`).
    pub recalled: Mutex<Option<String>>,
}

impl Outbox {
    /// An outbox before the chat (Enter ends `readline`) with no history.
    pub fn new(stream: Arc<TcpStream>, screen: Sender<Draw>, colour: bool) -> Outbox {
        Outbox {
            stream,
            screen,
            colour,
            max_line: Config::default().max_line,
            chatting: AtomicBool::new(false),
            history: Mutex::new(History::default()),
            recalled: Mutex::new(None),
        }
    }
}

/// What became of a line the user submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// Sent (or dropped, if blank): clear the editor.
    Sent,
    /// Too long: sent nothing, keep it in the editor to shorten.
    Kept,
    /// `/quit`: leave.
    Quit,
}

impl Outbox {
    /// Sends what the editor holds, a line at a time (a paste may hold several), each shown
    /// above as the user's own; unless one is over the server's limit, in which case nothing is
    /// sent and the user is told.
    pub fn submit(&self, text: &str) -> Submitted {
        let lines: Vec<&str> = text.split('\n').collect();
        if let Some(long) = lines.iter().find(|line| line.len() > self.max_line) {
            self.show(render::paint(
                LineKind::System,
                &too_long(long.len(), self.max_line),
                self.colour,
            ));
            return Submitted::Kept;
        }
        for line in lines {
            let shown = match dialogue::classify_typed(Phase::Chatting, line.as_bytes()) {
                Typed::Quit => return Submitted::Quit,
                Typed::Blank => continue,
                Typed::Message(said) => self.paint(LineKind::Own, &render::own_line(&said)),
                Typed::Command | Typed::Id => {
                    format!("{}{line}", self.paint(LineKind::Own, PROMPT))
                }
            };
            self.history.lock().push(line);
            // Shown before it is sent, so that no answer to it can be printed above it.
            self.show(shown);
            // NOTE: ignoring errors: if the server is gone, the receiver says so.
            let _ = send(&self.stream, line);
        }
        Submitted::Sent
    }

    fn show(&self, painted: String) {
        // NOTE: ignoring errors: the screen thread outlives the editor's use of it.
        let _ = self.screen.send(Draw::Line(painted));
    }

    fn paint(&self, kind: LineKind, text: &str) -> String {
        render::paint(kind, text, self.colour)
    }
}

/// The notice for a line of `bytes` over the limit of `max`.
pub fn too_long(bytes: usize, max: usize) -> String {
    format!("** Line too long ({bytes} bytes, max {max}); not sent: shorten it and press Enter **")
}

pub fn send(mut stream: &TcpStream, line: &str) -> io::Result<()> {
    stream.write_all(format!("{line}\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_too_long_notice_names_both_sizes() {
        assert_eq!(
            too_long(5000, 4096),
            "** Line too long (5000 bytes, max 4096); not sent: shorten it and press Enter **"
        );
    }
}
