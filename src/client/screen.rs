//! The client in a terminal: one thread, the terminal's owner, draws everything on it and writes
//! the user's lines to the socket; the others send it events.
//!
//! Go counterpart: `os.Stdout`, written by the original's reader goroutine and by `main`'s
//! prompt, with nothing to keep the two apart. Here the rule is the server's (one writer per
//! socket): the `receiver` thread hands over what each line from the server means, the `keys`
//! thread each key press, paste and resize, in one channel, and the owner (the main thread)
//! takes them in the order they came. The screen is the owner's state alone, so it needs no lock
//! and no agreement with anyone: lines from the server are printed above the line being edited
//! (see [`super::frame`] for how it is drawn), the line is drawn again after every change (see
//! [`super::owner`] for what each event does), and when the connection ends the owner clears
//! the line, prints the last notice and gives the terminal back. The `keys` thread is then
//! still waiting for a key; the process ends it by exiting.

use super::connect;
use super::console::{Console, Ending};
use super::frame::Frame;
use super::owner::{Event, Owner};
use super::terminal::{Mode, Raw};
use crossbeam_channel::Sender;
use std::net::TcpStream;
use std::sync::Arc;

/// Runs the chat in a terminal in raw mode: sends `--id` if given, starts the `receiver` and
/// `keys` threads, and owns the terminal until the connection ends.
pub fn run(stream: Arc<TcpStream>, raw: Raw, colour: bool, id: Option<String>) -> Ending {
    if let Some(id) = &id {
        // NOTE: ignoring errors: if the server is gone already, the receiver says so.
        let _ = connect::send(&stream, id.as_bytes());
    }
    let (events, inbox) = crossbeam_channel::unbounded();
    connect::spawn("receiver", {
        let (stream, events) = (Arc::clone(&stream), events.clone());
        move || receive(&stream, colour, id, &events)
    });
    connect::spawn("keys", move || read_keys(&events));
    Owner::new(stream, colour, Frame::new(raw)).run(&inbox)
}

/// The `receiver` thread: reads the server's lines (see [`connect::receive`]) and, at the end of
/// the stream, hands its console to the owner, which knows whether the user had left.
fn receive(stream: &TcpStream, colour: bool, id: Option<String>, events: &Sender<Event>) {
    let mut console = Console::new(Mode::Terminal, colour, id);
    // NOTE: ignoring send errors: the owner waits for `Ended`, so it outlives every send.
    connect::receive(stream, &mut console, |shown| {
        let _ = events.send(Event::Server(shown));
    });
    let _ = events.send(Event::Ended(console));
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
