//! What the terminal's owner does with each event (see [`super::screen`]): a line from the
//! server is printed, a key edits the line or sends it, a resize has the window drawn again.
//!
//! Go counterpart: `main`'s loop, `fmt.Fprint(conn, line)` for each line the terminal hands it.
//! Here the whole line is in hand before anything is sent, so a line the server would refuse
//! is kept for the user to shorten, and a paste of several lines becomes several messages.

use super::connect;
use super::console::{Console, Ending, Shown};
use super::dialogue::{self, Phase, Typed};
use super::frame::Frame;
use super::history::History;
use super::input::Input;
use super::render::{self, LineKind, PROMPT};
use crate::{Config, protocol};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use crossterm::event::{Event as TerminalEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;

/// What the owner hears of, in the order it happened. Sent through an unbounded channel: the
/// `receiver` must never wait for the screen while the server's lines keep coming, and the
/// owner drains the channel far faster than a server sends (it draws a burst in one write, see
/// [`Owner::run`]).
pub enum Event {
    /// From the `receiver`: what a line from the server means.
    Server(Shown),
    /// From the `receiver`: the connection is over. Its console says how, once the owner
    /// tells it whether the user had left.
    Ended(Console),
    /// From `keys`: a key, a paste or a resize; `None` when the terminal cannot be read.
    Terminal(Option<TerminalEvent>),
}

/// The owner's state: the screen, the line being edited, and the socket's writing half.
pub struct Owner {
    stream: Arc<TcpStream>,
    /// The user has left: the end of the stream the server answers with is ours.
    left: bool,
    colour: bool,
    frame: Frame,
    /// The server has sent the user list: a typed line is a message from now on.
    chatting: bool,
    input: Input,
    history: History,
    /// The longest line sent, in bytes: the server's default `--max-line`, since the client
    /// cannot ask a server for its setting and a longer line would be refused whole. Without the
    /// check the user would learn only after sending, with the line gone from the editor.
    max_line: usize,
}

impl Owner {
    pub fn new(stream: Arc<TcpStream>, colour: bool, frame: Frame) -> Owner {
        let (input, history) = (Input::default(), History::default());
        let max_line = Config::default().max_line;
        Owner {
            stream,
            left: false,
            colour,
            frame,
            chatting: false,
            input,
            history,
            max_line,
        }
    }

    /// Takes events until the connection ends, drawing the screen whenever no other event waits
    /// (so a burst of lines is drawn in one write), and then at least every
    /// [`Frame::MOST_ROWS_WAITING`] rows; and draws the whole window again once a resize has
    /// settled.
    pub fn run(mut self, events: &Receiver<Event>) -> Ending {
        loop {
            let event = match self.frame.settles_at() {
                Some(at) => events.recv_deadline(at),
                None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match event {
                Ok(Event::Ended(mut console)) => {
                    let (ending, last) = console.connection_ended(self.left);
                    self.frame.prompt = None;
                    last.into_iter().for_each(|line| self.frame.show(line));
                    self.frame.draw(&self.input);
                    return ending; // `self.frame` dropped: the terminal is given back.
                }
                Ok(event) => self.handle(event),
                Err(RecvTimeoutError::Timeout) => self.frame.redraw(&self.input),
                Err(RecvTimeoutError::Disconnected) => {
                    unreachable!("the receiver sends `Ended` before it lets go of the channel")
                }
            }
            if events.is_empty() || self.frame.waiting() > Frame::MOST_ROWS_WAITING {
                self.frame.draw(&self.input);
            }
        }
    }

    fn handle(&mut self, event: Event) {
        let left = self.left;
        match event {
            Event::Server(Shown::Line(line)) => self.frame.show(line),
            Event::Server(Shown::AskId(prompt)) => {
                let plain = render::as_prompt(protocol::ID_PROMPT);
                self.frame.ask(prompt, &plain);
            }
            Event::Server(Shown::Chat) => {
                self.chatting = true;
                self.frame.ask(self.paint(LineKind::Own, PROMPT), PROMPT);
            }
            Event::Terminal(Some(TerminalEvent::Key(key)))
                if !left && key.kind != KeyEventKind::Release =>
            {
                self.key(key);
            }
            Event::Terminal(Some(TerminalEvent::Paste(text))) if !left => self.input.paste(&text),
            Event::Terminal(Some(TerminalEvent::Resize(columns, rows))) => {
                self.frame.resize(columns.into(), rows.into());
            }
            // NOTE: a terminal that cannot be read is taken as the user leaving: no more
            // can be typed.
            Event::Terminal(None) if !left => self.leave(),
            Event::Terminal(_) | Event::Ended(..) => {}
        }
    }

    /// The chat's own keys; the others edit the line (see [`Input::edit`]). Ctrl-C empties the
    /// line, as in a shell, and on an empty line leaves, as Ctrl-D does.
    fn key(&mut self, key: KeyEvent) {
        let ctrl =
            |letter| key.modifiers == KeyModifiers::CONTROL && key.code == KeyCode::Char(letter);
        if (ctrl('c') || ctrl('d')) && self.input.text().is_empty() {
            self.leave();
        } else if ctrl('c') {
            self.input.take();
        } else if key.code == KeyCode::Enter || ctrl('j') || ctrl('m') {
            self.submit();
        } else if key.code == KeyCode::Up || ctrl('p') {
            if let Some(line) = self.history.older(self.input.text()) {
                self.input.set(line);
            }
        } else if key.code == KeyCode::Down || ctrl('n') {
            if let Some(line) = self.history.newer() {
                self.input.set(line);
            }
        } else if ctrl('l') {
            self.frame.clear(&self.input);
        } else if ctrl('z') {
            self.frame.suspend(&self.input);
        } else {
            self.input.edit(key);
        }
    }

    /// Enter: sends the ID, or each line the editor holds (a paste may hold several), each shown
    /// above as the user's own; unless one is over the server's limit, in which case nothing is
    /// sent and the user is told. Before the server asks for anything the line waits.
    fn submit(&mut self) {
        let Some((prompt, _)) = self.frame.prompt.clone() else {
            return;
        };
        if !self.chatting {
            let id = self.input.take();
            self.frame.show(format!("{prompt}{id}"));
            self.frame.prompt = None;
            return match dialogue::is_quit(id.as_bytes()) {
                true => self.leave(),
                false => self.send(&id),
            };
        }
        let text = self.input.text().to_string();
        if let Some(long) = text.split('\n').find(|line| line.len() > self.max_line) {
            let notice = too_long(long.len(), self.max_line);
            return self.frame.show(self.paint(LineKind::System, &notice));
        }
        self.input.take();
        for line in text.split('\n') {
            let shown = match dialogue::classify_typed(Phase::Chatting, line.as_bytes()) {
                Typed::Quit => return self.leave(),
                Typed::Blank => continue,
                Typed::Message(said) => self.paint(LineKind::Own, &render::own_line(&said)),
                Typed::Command | Typed::Id => format!("{prompt}{line}"),
            };
            self.history.push(line);
            self.frame.show(shown);
            self.send(line);
        }
    }

    /// `/quit`, or Ctrl-C or Ctrl-D on an empty line: the end of our half of the stream, which
    /// the server answers by closing.
    fn leave(&mut self) {
        self.left = true;
        // NOTE: ignoring errors: if the socket is already closed, the receiver has seen it too.
        let _ = self.stream.shutdown(Shutdown::Write);
        self.frame.prompt = None;
        self.input.take();
    }

    fn send(&self, line: &str) {
        // NOTE: ignoring errors: if the server is gone, the receiver says so. A server that
        // stops reading would hold the owner here; ours reads every client on its own thread.
        let _ = connect::send(&self.stream, line.as_bytes());
    }

    fn paint(&self, kind: LineKind, text: &str) -> String {
        render::paint(kind, text, self.colour)
    }
}

/// The notice for a line of `bytes` over the limit of `max`.
pub fn too_long(bytes: usize, max: usize) -> String {
    format!("** Line too long ({bytes} bytes, max {max}); not sent: shorten it and press Enter **")
}
