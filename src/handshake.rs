//! The ID handshake: a new connection's thread asks for an ID until a valid, free one arrives.
//!
//! Go counterpart: the top of `handleClient`, which reads one line and takes it as the ID, whatever
//! it is. Here an ID is checked ([`crate::id`]) and claimed under the room's lock, a refused one
//! says why, and the connection may try again on the same socket. During the handshake the client
//! thread is its socket's only writer (the prompt, the reasons); the broadcaster takes over once
//! the ID is claimed.
//!
//! Attempts are paced as chat lines are ([`crate::pacing`], after a burst of [`ID_BURST`]), and a
//! connection is closed after [`MAX_ID_REJECTIONS`]: unpaced, one connection that never joined
//! got 118,184 rejections a second, 1.7 s of server CPU in 2.2 s.

use crate::broadcaster::Event;
use crate::connection::{self, Session, SocketReader};
use crate::id::{self, IdRejection};
use crate::line_reader::{Line, LineReader};
use crate::pacing::{Pace, Pacer};
use crate::protocol;
use crate::room::MemberId;
use crate::trace;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;

/// ID attempts a connection may make at once before `--max-rate` paces them: a person who mistypes
/// a few times never waits.
pub const ID_BURST: u32 = 5;

/// Rejected IDs after which the connection is closed, with [`protocol::TOO_MANY_ID_REJECTIONS`].
/// A person who needs more is better served by reading the reasons than by trying on; a script
/// that guesses is stopped, and each reconnect counts against `--max-connects-per-minute`.
pub const MAX_ID_REJECTIONS: u32 = 10;

/// Asks for an ID until a valid, free one arrives. Returns `None` if the peer leaves, times out,
/// runs out of attempts, is closed to make room or the server stops first; such a connection was
/// never announced, so nobody hears of it. A stop is told here: the broadcaster only closes its
/// reading side, so that this thread, its socket's one writer, can say so.
pub(crate) fn run(
    session: &Session,
    reader: &mut LineReader<SocketReader>,
) -> Option<(MemberId, String)> {
    let mut pacer = Pacer::new(session.config.max_rate, ID_BURST, Instant::now());
    let mut rejections = 0;
    write_line(&session.stream, protocol::ID_PROMPT).ok()?;
    loop {
        let read = reader.read_line();
        if session.stop.is_raised() {
            return say_goodbye(session, protocol::SHUTTING_DOWN);
        }
        let rejection = match read {
            Ok(Line::Complete(raw)) => match claim(session, &raw) {
                Claim::Joined(member, id) => return Some((member, id)),
                Claim::Rejected(rejection) => rejection,
                Claim::Refused(line) => return say_goodbye(session, line),
            },
            Ok(Line::TooLong) => IdRejection::TooLong,
            Ok(Line::Discarded) => {
                if session.stop.sleep(pacer.bytes_discarded(Instant::now())) {
                    return say_goodbye(session, protocol::SHUTTING_DOWN);
                }
                continue;
            }
            Err(error) if is_timeout(&error) => {
                return say_goodbye(session, protocol::ID_TIMED_OUT);
            }
            Ok(Line::End) | Err(_) => return closed_to_make_room(session),
        };
        write_line(&session.stream, &rejection.line()).ok()?;
        rejections += 1;
        if rejections >= MAX_ID_REJECTIONS {
            return say_goodbye(session, protocol::TOO_MANY_ID_REJECTIONS);
        }
        if let Pace::Wait { delay, .. } = pacer.line_read(Instant::now())
            && session.stop.sleep(delay)
        {
            return say_goodbye(session, protocol::SHUTTING_DOWN);
        }
        write_line(&session.stream, protocol::ID_PROMPT).ok()?;
    }
}

/// What became of a line offered as an ID.
enum Claim {
    Joined(MemberId, String),
    /// Not valid, or taken: the connection may try again.
    Rejected(IdRejection),
    /// The connection may not join at all: the server is stopping, or its place went to a
    /// newcomer. The line says which.
    Refused(&'static str),
}

/// Checks one line as an ID and claims it.
fn claim(session: &Session, raw: &[u8]) -> Claim {
    let text = String::from_utf8_lossy(&protocol::strip_telnet(raw)).into_owned();
    match id::validate(text.trim()) {
        Ok(id) => join(session, id),
        Err(rejection) => Claim::Rejected(rejection),
    }
}

/// The read ended: the peer left, or, if the connection has lost its place, it was closed to make
/// room for a newcomer (see [`crate::admission::Admission::admit`]) and is told so.
fn closed_to_make_room<T>(session: &Session) -> Option<T> {
    if !session.room.lock().admission.is_open(session.connection) {
        return say_goodbye(session, protocol::CLOSED_TO_MAKE_ROOM);
    }
    None
}

/// The last line a connection that never joined gets; the connection closes when the thread ends.
/// What the peer has sent meanwhile (say, the ID it typed as the server stopped) is read and
/// thrown away first: closing a socket with unread input resets the connection, and the reset
/// can destroy the goodbye before the peer has read it.
fn say_goodbye<T>(session: &Session, line: &str) -> Option<T> {
    // NOTE: ignoring errors: the connection is being closed either way.
    let _ = write_line(&session.stream, line);
    if session.stream.set_nonblocking(true).is_ok() {
        let mut unread = [0; 1024];
        // At most 64 KiB: what a peer sends after this cannot delay the end.
        for _ in 0..64 {
            if !matches!((&*session.stream).read(&mut unread), Ok(n) if n > 0) {
                break;
            }
        }
    }
    None
}

/// Claims the ID under the lock, then, with the lock released, asks the broadcaster to announce
/// the join. The send may wait for room in the channel, which is why no lock is held across it.
/// Under the same lock, a connection that lost its place, or a server that has begun to stop, is
/// refused: the stop's notice went to the members claimed before it (see
/// [`crate::room::Room::shut_down`]), so one claimed after it would never be told.
fn join(session: &Session, id: String) -> Claim {
    let member = {
        let mut room = session.room.lock();
        if room.admission.is_closed() {
            return Claim::Refused(protocol::SHUTTING_DOWN);
        }
        if !room.admission.is_open(session.connection) {
            return Claim::Refused(protocol::CLOSED_TO_MAKE_ROOM);
        }
        let member = match room.claim(&id, Arc::clone(&session.stream)) {
            Ok(member) => member,
            Err(rejection) => return Claim::Rejected(rejection),
        };
        room.admission.joined(session.connection);
        member
    };
    // NOTE: if the broadcaster is gone, the chat loop's first send fails and the thread ends.
    session
        .trace
        .step(|| format!("ID {} claimed -> Joined", trace::quote(&id)));
    connection::send(&session.events, Event::Joined(member));
    Claim::Joined(member, id)
}

fn write_line(stream: &TcpStream, line: &str) -> io::Result<()> {
    let mut stream = stream;
    stream.write_all(format!("{line}\n").as_bytes())
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::room::Room;
    use crate::stop_signal::StopSignal;
    use crate::trace::Trace;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::time::Duration;

    /// The stop's one race with a handshake, made to happen every time: the ID line was read
    /// before the stop was raised, and is claimed after the broadcaster queued the goodbye for
    /// every member (`Room::shut_down`). The claim is refused, the connection told the server
    /// is stopping, and no member is left behind that nobody will ever tell.
    #[test]
    fn an_id_claimed_after_the_stop_began_is_told_the_server_is_stopping() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding loopback");
        let mut peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        peer.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let (stream, address) = listener.accept().unwrap();
        let stream = Arc::new(stream);
        let config = Arc::new(Config::default());
        let room = Room::shared();
        let connection = room
            .lock()
            .admission
            .admit(Arc::clone(&stream), address.ip(), &config, Instant::now())
            .expect("an empty room admits");
        let (events, inbox) = crossbeam_channel::unbounded();
        let session = Session {
            connection,
            stream,
            room: Arc::clone(&room),
            events,
            config,
            stop: Arc::new(StopSignal::default()),
            trace: Trace::off(),
        };
        peer.write_all(b"Omar\n").unwrap();
        room.lock().shut_down();

        let mut reader = LineReader::new(SocketReader::for_handshake(&session), 1024, 4096);
        assert_eq!(run(&session, &mut reader), None);
        let mut lines = BufReader::new(peer).lines().map(Result::unwrap);
        assert_eq!(lines.next().as_deref(), Some(protocol::ID_PROMPT));
        assert_eq!(lines.next().as_deref(), Some(protocol::SHUTTING_DOWN));
        assert!(inbox.try_recv().is_err(), "no Joined for a refused claim");
        let stream = Arc::clone(&session.stream);
        assert!(
            room.lock().claim("Omar", stream).is_ok(),
            "Omar was not taken"
        );
    }
}
