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
use crate::line_reader::{self, Line};
use crate::pacing::{Pace, Pacer};
use crate::protocol;
use crate::room::MemberId;
use crate::trace;
use std::io::{self, BufReader, Write};
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
/// runs out of attempts or the server stops first; such a connection was never announced, so
/// nobody hears of it. A stop is the one ending it is told here: the broadcaster only closes its
/// reading side, so that this thread, its socket's one writer, can say so.
pub(crate) fn run(
    session: &Session,
    reader: &mut BufReader<SocketReader>,
) -> Option<(MemberId, String)> {
    let mut pacer = Pacer::new(session.config.max_rate, ID_BURST, Instant::now());
    let mut rejections = 0;
    write_line(&session.stream, protocol::ID_PROMPT).ok()?;
    loop {
        let read = line_reader::read_line(reader, session.config.max_line);
        if session.stop.is_raised() {
            return say_goodbye(session, protocol::SHUTTING_DOWN);
        }
        let rejection = match read {
            Ok(Line::Complete(raw)) => match claim(session, &raw) {
                Ok(joined) => return Some(joined),
                Err(rejection) => rejection,
            },
            Ok(Line::TooLong) => IdRejection::TooLong,
            Ok(Line::End) => return None,
            Err(error) if is_timeout(&error) => {
                return say_goodbye(session, protocol::ID_TIMED_OUT);
            }
            Err(_) => return None,
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

/// Checks one line as an ID and claims it.
fn claim(session: &Session, raw: &[u8]) -> Result<(MemberId, String), IdRejection> {
    let text = String::from_utf8_lossy(&protocol::strip_telnet(raw)).into_owned();
    id::validate(text.trim()).and_then(|id| join(session, id))
}

/// The last line a connection that never joined gets; the connection closes when the thread ends.
fn say_goodbye<T>(session: &Session, line: &str) -> Option<T> {
    // NOTE: ignoring errors: the connection is being closed either way.
    let _ = write_line(&session.stream, line);
    None
}

/// Claims the ID under the lock, then, with the lock released, asks the broadcaster to announce
/// the join. The send may wait for room in the channel, which is why no lock is held across it.
fn join(session: &Session, id: String) -> Result<(MemberId, String), IdRejection> {
    let member = {
        let mut room = session.room.lock();
        let member = room.claim(&id, Arc::clone(&session.stream))?;
        room.admission.joined(session.connection);
        member
    };
    // NOTE: if the broadcaster is gone, the chat loop's first send fails and the thread ends.
    session
        .trace
        .step(|| format!("ID {} claimed -> Joined", trace::quote(&id)));
    connection::send(&session.events, Event::Joined(member));
    Ok((member, id))
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
