//! One client's thread: asks for an ID, then turns each line the client sends into an event.
//!
//! Go counterpart: `func handleClient(conn net.Conn)`, started with `go handleClient(conn)`. Here
//! it is an OS thread named `client-<peer address>`, started by the acceptor.
//!
//! The thread writes to its socket only during the handshake (the ID prompt and its answers; see
//! [`crate::handshake`]). From the moment the ID is claimed, the broadcaster is the socket's only
//! writer, so even the answer to `/help` travels through the channel.
//!
//! This thread is also where a flood is slowed (see [`crate::pacing`]): over its rate, a client's
//! thread waits before reading its next line, so only that client's socket backs up.

use crate::admission::ConnectionId;
use crate::broadcaster::Event;
use crate::connection::{Session, SocketReader, send};
use crate::handshake;
use crate::line_reader::{self, Line};
use crate::pacing::{Pace, Pacer};
use crate::protocol::{self, Request, SENDING_TOO_FAST};
use crate::room::{MemberId, SharedRoom};
use crate::trace;
use std::io::BufReader;
use std::sync::Arc;
use std::time::Instant;

/// Bytes read from the socket at a time. Chat lines are short, so a small buffer costs few extra
/// reads, and with thousands of clients it is most of a connection's memory: std's default of
/// 8 KiB made 10,000 idle clients cost about 7 KiB each more.
pub const READ_BUFFER_SIZE: usize = 1024;

/// The client thread's body: handshake, chat, leave. Whatever happens, the connection's slot in
/// the room is freed when this returns or unwinds (a `Slot` guard).
pub fn run(session: Session) {
    let _slot = Slot {
        room: Arc::clone(&session.room),
        connection: session.connection,
    };
    let mut reader =
        BufReader::with_capacity(READ_BUFFER_SIZE, SocketReader::for_handshake(&session));
    if let Some((member, id)) = handshake::run(&session, &mut reader) {
        let ended = match reader.get_mut().clear_deadline() {
            Ok(()) => chat(&session, &mut reader, member, &id),
            Err(_) => Ended::Left,
        };
        // A stop tells everyone at once (`** Server is shutting down **`); a `left` notice for
        // each thread that noticed the stop first would only bury it.
        if ended == Ended::Left {
            send(&session.events, Event::Left(member));
        }
    }
}

/// How a joined client's chat ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// `/quit`, the connection's end or a read error: the others are told.
    Left,
    /// The server is stopping: the thread stopped reading.
    Stopped,
}

/// A connection's place in the room, freed when the client thread ends by any way out: a return,
/// an early `?`, or a panic. Freed by hand at each return instead, one missed path (in the past, a
/// panic on a failed send) would keep the slot taken, and with `--max-clients` the room fills up
/// with ghosts.
struct Slot {
    room: SharedRoom,
    connection: ConnectionId,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.room.lock().admission.release(self.connection);
    }
}

/// Reads the joined client's lines until it quits, its connection ends or the server stops,
/// pacing a client that sends faster than `--max-rate` (see [`crate::pacing`]). Once the server is
/// stopping it reads nothing more: after the broadcaster's `shutdown`, Linux still hands out the
/// lines queued in the socket, and a paced thread would go on reading them at its rate.
fn chat(
    session: &Session,
    reader: &mut BufReader<SocketReader>,
    member: MemberId,
    id: &str,
) -> Ended {
    let max_line = session.config.max_line;
    let mut pacer = Pacer::new(
        session.config.max_rate,
        session.config.burst,
        Instant::now(),
    );
    loop {
        if session.stop.is_raised() {
            return Ended::Stopped;
        }
        let next = match line_reader::read_line(reader, max_line) {
            Ok(Line::Complete(raw)) => {
                let line = protocol::sanitize(&raw);
                let next = next_for(protocol::parse_request(&line), member, id);
                let step = next.name();
                session
                    .trace
                    .step(|| format!("read {} -> {step}", trace::quote(&line)));
                next
            }
            Ok(Line::TooLong) => Next::Send(reply(member, protocol::line_too_long(max_line))),
            Ok(Line::End) | Err(_) => return Ended::Left,
        };
        match next {
            Next::Quit => return Ended::Left,
            Next::Skip => {}
            Next::Send(event) => {
                if !send(&session.events, event) {
                    return Ended::Left;
                }
            }
        }
        if pace(session, &mut pacer, member) {
            return Ended::Stopped;
        }
    }
}

/// What one line from a joined client asks for.
enum Next {
    /// An event for the broadcaster.
    Send(Event),
    /// Nothing: a line with nothing left after cleaning.
    Skip,
    /// The end of the chat (`/quit`).
    Quit,
}

impl Next {
    /// The step's name in a `--trace` line.
    fn name(&self) -> &'static str {
        match self {
            Next::Send(event) => event.name(),
            Next::Skip => "nothing (blank)",
            Next::Quit => "Quit",
        }
    }
}

/// Turns a parsed line into what the chat loop does with it.
fn next_for(request: Request, member: MemberId, id: &str) -> Next {
    match request {
        Request::Say(text) => Next::Send(Event::Said {
            from: member,
            line: protocol::chat_line(id, &text),
        }),
        Request::Users => Next::Send(Event::UsersAsked(member)),
        Request::Help => Next::Send(reply(member, protocol::HELP.to_string())),
        Request::Unknown(word) => Next::Send(reply(member, protocol::unknown_command_line(&word))),
        Request::Nothing => Next::Skip,
        Request::Quit => Next::Quit,
    }
}

/// Counts the line just read and, if the client is over its rate, waits before the next read:
/// the client's unread lines then back up in its own socket, and TCP slows the client alone.
/// The wait ends early when the server stops; returns whether it did.
fn pace(session: &Session, pacer: &mut Pacer, member: MemberId) -> bool {
    let Pace::Wait { delay, tell } = pacer.line_read(Instant::now()) else {
        return false;
    };
    if tell {
        send(&session.events, reply(member, SENDING_TOO_FAST.to_string()));
    }
    session.stop.sleep(delay)
}

fn reply(to: MemberId, line: String) -> Event {
    Event::Reply { to, line }
}
