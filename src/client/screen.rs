//! The client in a terminal: one thread, the terminal's owner, draws everything on it and writes
//! the user's lines to the socket; the others send it events.
//!
//! Go counterpart: `os.Stdout`, written by the original's reader goroutine and by `main`'s
//! prompt, with nothing to keep the two apart. Here the rule is the server's (one writer per
//! socket): the `receiver` thread hands over what each line from the server means, the `keys`
//! thread each key press, paste and resize, in one channel, and the owner (the main thread)
//! takes them in the order they came. The screen is the owner's state alone, so it needs no lock
//! and no agreement with anyone: lines from the server are printed above the line being edited
//! (see [`super::frame`] for how it is drawn), the line is drawn again after every change, and
//! when the connection ends the owner clears it, prints the last notice and gives the terminal
//! back. The `keys` thread is then still waiting for a key; the process ends it by exiting.

use super::console::{Console, Ending, Shown};
use super::dialogue::{self, Phase, Typed};
use super::frame::Frame;
use super::history::History;
use super::input::{Edit, Input};
use super::keys::{self, Action};
use super::render::{self, LineKind, PROMPT};
use super::terminal::{Mode, Raw};
use crate::{Config, protocol};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use crossterm::event::Event as TerminalEvent;
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the owner hears of, in the order it happened. Sent through an unbounded channel: the
/// `receiver` must never wait for the screen while the server's lines keep coming, and the
/// owner drains the channel far faster than a server sends (see `docs/client.md`).
pub enum Event {
    /// From the `receiver`: what a line from the server means.
    Server(Shown),
    /// From the `receiver`: the connection is over; how, and the last line to show.
    Ended(Ending, Option<String>),
    /// From `keys`: a key, a paste or a resize; `None` when the terminal cannot be read.
    Terminal(Option<TerminalEvent>),
}

/// Runs the chat in a terminal in raw mode: sends `--id` if given, starts the `receiver` and
/// `keys` threads, and owns the terminal until the connection ends.
pub fn run(stream: Arc<TcpStream>, raw: Raw, colour: bool, id: Option<String>) -> Ending {
    let left = Arc::new(AtomicBool::new(false));
    if let Some(id) = &id {
        // NOTE: ignoring errors: if the server is gone already, the receiver says so.
        let _ = super::send(&stream, id.as_bytes());
    }
    let (events, inbox) = crossbeam_channel::unbounded();
    super::spawn("receiver", {
        let (stream, left, events) = (Arc::clone(&stream), Arc::clone(&left), events.clone());
        move || receive(&stream, colour, id, &left, &events)
    });
    super::spawn("keys", move || read_keys(&events));
    let owner = Owner {
        stream,
        left,
        colour,
        frame: Frame::new(raw),
        chatting: false,
        input: Input::default(),
        history: History::default(),
        max_line: Config::default().max_line,
    };
    owner.run(&inbox)
}

/// The `receiver` thread: reads the server's lines (see [`super::receive`]) and, at the end of
/// the stream, says how the connection ended. `left` is the mark the owner sets when the user
/// leaves.
fn receive(
    stream: &TcpStream,
    colour: bool,
    id: Option<String>,
    left: &AtomicBool,
    events: &Sender<Event>,
) {
    let mut console = Console::new(Mode::Terminal, colour, id);
    // NOTE: ignoring send errors: the owner waits for `Ended`, so it outlives every send.
    super::receive(stream, &mut console, |shown| {
        let _ = events.send(Event::Server(shown));
    });
    let (ending, last) = console.connection_ended(left.load(Ordering::SeqCst));
    let _ = events.send(Event::Ended(ending, last));
}

/// The `keys` thread: hands each key press, paste and resize to the owner, until the terminal
/// fails or the process ends.
fn read_keys(events: &Sender<Event>) {
    loop {
        let event = crossterm::event::read().ok();
        let failed = event.is_none();
        if events.send(Event::Terminal(event)).is_err() || failed {
            return;
        }
    }
}

/// The owner's state: the screen, the line being edited, and the socket's writing half.
struct Owner {
    stream: Arc<TcpStream>,
    left: Arc<AtomicBool>,
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
    /// Takes events until the connection ends, drawing the screen whenever no other event waits
    /// (so a burst of lines is drawn in one write), and then at least every
    /// [`Frame::MOST_ROWS_WAITING`] rows; and draws the whole window again once a resize has
    /// settled.
    fn run(mut self, events: &Receiver<Event>) -> Ending {
        loop {
            let event = match self.frame.settles_at() {
                Some(at) => events.recv_deadline(at),
                None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match event {
                Ok(Event::Ended(ending, last)) => {
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
        let left = self.left.load(Ordering::SeqCst);
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
            Event::Terminal(Some(TerminalEvent::Key(key))) if !left => {
                if let Some(action) = keys::action(key, self.input.text().is_empty()) {
                    self.act(action);
                }
            }
            Event::Terminal(Some(TerminalEvent::Paste(text))) if !left => {
                self.input.edit(Edit::Insert(keys::pasted(&text)));
            }
            Event::Terminal(Some(TerminalEvent::Resize(columns, rows))) => {
                self.frame.resize(columns.into(), rows.into());
            }
            // NOTE: a terminal that cannot be read is taken as the user leaving: no more
            // can be typed.
            Event::Terminal(None) if !left => self.leave(),
            Event::Terminal(_) | Event::Ended(..) => {}
        }
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Edit(edit) => self.input.edit(edit),
            Action::Submit => self.submit(),
            Action::Recall(older) => {
                let recalled = match older {
                    true => self.history.older(self.input.text()),
                    false => self.history.newer(),
                };
                if let Some(line) = recalled.map(str::to_string) {
                    self.input.set(&line);
                }
            }
            Action::Clear => drop(self.input.take()),
            Action::Leave => self.leave(),
            Action::ClearScreen => self.frame.clear(&self.input),
            Action::Suspend => self.frame.suspend(&self.input),
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

    /// `/quit`, or Ctrl-C or Ctrl-D on an empty line: the mark first, so that the end of stream
    /// the server answers with is read as ours, then the end of our half of the stream.
    fn leave(&mut self) {
        self.left.store(true, Ordering::SeqCst);
        // NOTE: ignoring errors: if the socket is already closed, the receiver has seen it too.
        let _ = self.stream.shutdown(Shutdown::Write);
        self.frame.prompt = None;
        self.input.take();
    }

    fn send(&self, line: &str) {
        // NOTE: ignoring errors: if the server is gone, the receiver says so. A server that
        // stops reading would hold the owner here; ours reads every client on its own thread.
        let _ = super::send(&self.stream, line.as_bytes());
    }

    fn paint(&self, kind: LineKind, text: &str) -> String {
        render::paint(kind, text, self.colour)
    }
}

/// The notice for a line of `bytes` over the limit of `max`.
pub fn too_long(bytes: usize, max: usize) -> String {
    format!("** Line too long ({bytes} bytes, max {max}); not sent: shorten it and press Enter **")
}
