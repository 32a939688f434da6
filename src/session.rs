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

use crate::broadcaster::Event;
use crate::connection::{Session, SocketReader, send};
use crate::handshake;
use crate::line_reader::{Line, LineReader};
use crate::pacing::{Pace, Pacer};
use crate::protocol::{self, Request, SENDING_TOO_FAST};
use crate::room::MemberId;
use crate::trace;
use std::time::Instant;

/// Bytes read from the socket at a time. Chat lines are short, so a small buffer costs few extra
/// reads, and with thousands of clients it is most of a connection's memory: std's default of
/// 8 KiB made 10,000 idle clients cost about 7 KiB each more.
pub const READ_BUFFER_SIZE: usize = 1024;

/// The client thread's body: handshake, chat, leave. Whatever happens, a panic included, the
/// room hears `Left` for a member who joined and the connection's slot is freed when this returns
/// or unwinds (a `Lifetime` guard).
pub fn run(session: Session) {
    let mut lifetime = Lifetime {
        session: &session,
        member: None,
    };
    let mut reader = LineReader::new(
        SocketReader::for_handshake(&session),
        READ_BUFFER_SIZE,
        session.config.max_line,
    );
    if let Some((member, id)) = handshake::run(&session, &mut reader) {
        lifetime.member = Some(member);
        let ended = match reader.get_mut().clear_deadline() {
            Ok(()) => chat(&session, &mut reader, member, &id),
            Err(_) => Ended::Left,
        };
        // A stop tells everyone at once (`** Server is shutting down **`); a `left` notice for
        // each thread that noticed the stop first would only bury it.
        if ended == Ended::Stopped {
            lifetime.member = None;
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

/// A connection's place in the room and, once it has joined, its membership: both end when the
/// client thread ends by any way out, a return, an early `?` or a panic. The member leaves first
/// (`Left`, so the broadcaster removes it, tells the others and drops its socket), then the slot
/// is freed. Handled by hand at each return instead, one missed path kept a ghost: a panic in the
/// chat loop once left the ID taken, the name in `/users` and the socket open.
struct Lifetime<'a> {
    session: &'a Session,
    /// The member to announce as left; `None` before the ID is claimed and after a stop.
    member: Option<MemberId>,
}

impl Drop for Lifetime<'_> {
    fn drop(&mut self) {
        if let Some(member) = self.member {
            send(&self.session.events, Event::Left(member));
        }
        let room = &self.session.room;
        room.lock().admission.release(self.session.connection);
    }
}

/// Reads the joined client's lines until it quits, its connection ends or the server stops,
/// pacing a client that sends faster than `--max-rate` (see [`crate::pacing`]). Once the server is
/// stopping it reads nothing more: after the broadcaster's `shutdown`, Linux still hands out the
/// lines queued in the socket, and a paced thread would go on reading them at its rate.
fn chat(
    session: &Session,
    reader: &mut LineReader<SocketReader>,
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
        let next = match reader.read_line() {
            Ok(Line::Complete(raw)) => {
                #[cfg(test)]
                tests::panic_if_asked(&raw);
                let line = protocol::sanitize(&raw);
                let next = next_for(protocol::parse_request(&line), member, id);
                let step = next.name();
                session
                    .trace
                    .step(|| format!("read {} -> {step}", trace::quote(&line)));
                next
            }
            Ok(Line::TooLong) => Next::Send(reply(member, protocol::line_too_long(max_line))),
            Ok(Line::Discarded) => {
                if session.stop.sleep(pacer.bytes_discarded(Instant::now())) {
                    return Ended::Stopped;
                }
                continue;
            }
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

#[cfg(test)]
mod tests {
    use crate::logger::LogSink;
    use crate::{Config, Server};
    use std::io::{BufRead, BufReader, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;

    /// A chat line that panics the client thread reading it. Only the unit tests' build has it:
    /// the hook that looks for it is `#[cfg(test)]`, never in the `server` binary.
    const PANIC: &str = "/panic-for-the-tests";

    pub(super) fn panic_if_asked(line: &[u8]) {
        if line == PANIC.as_bytes() {
            panic!("the test asked this client thread to panic");
        }
    }

    /// A member over a real socket, whose reads time out rather than hang the test.
    struct Peer {
        stream: TcpStream,
        reader: BufReader<TcpStream>,
    }

    impl Peer {
        fn join(addr: SocketAddr, id: &str, list: &str) -> Peer {
            let stream = TcpStream::connect(addr).expect("the server accepts");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let reader = BufReader::new(stream.try_clone().unwrap());
            let mut peer = Peer { stream, reader };
            peer.expect("Enter your ID:");
            peer.send(id);
            peer.expect(list);
            peer
        }

        fn send(&mut self, line: &str) {
            self.stream
                .write_all(format!("{line}\n").as_bytes())
                .unwrap();
        }

        /// The next line, or `None` once the server has closed the connection.
        fn next(&mut self) -> Option<String> {
            let mut line = String::new();
            let read = self.reader.read_line(&mut line).expect("a line in time");
            (read > 0).then(|| line.trim_end_matches('\n').to_string())
        }

        fn expect(&mut self, line: &str) {
            assert_eq!(self.next().as_deref(), Some(line));
        }
    }

    /// A panic in a joined client's thread is a leave like any other: the others are told, the
    /// ID and the slot are free again, and the panicked member's socket is closed.
    #[test]
    fn a_client_thread_that_panics_leaves_the_room() {
        let config = Config {
            addr: "127.0.0.1:0".to_string(),
            max_clients: 2,
            ..Config::default()
        };
        let server = Server::bind_with_log(config, LogSink::discard()).expect("binding");
        let addr = server.local_addr();
        let mut omar = Peer::join(addr, "Omar", "** No other users in chat **");
        let mut ghost = Peer::join(addr, "Ghost", "** Current users in chat: Omar **");
        omar.expect("User Ghost joined the chat");
        ghost.send(PANIC);
        omar.expect("User Ghost left the chat");
        assert_eq!(ghost.next(), None, "the panicked member's socket is closed");
        let _again = Peer::join(addr, "Ghost", "** Current users in chat: Omar **");
        omar.expect("User Ghost joined the chat");
    }
}
