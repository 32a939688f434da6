//! One accepted connection as its client thread holds it ([`Session`]) and reads it
//! ([`SocketReader`]), shared by the two halves of the thread's life: the ID handshake
//! ([`crate::handshake`]) and the chat ([`crate::session`]).

use crate::admission::ConnectionId;
use crate::broadcaster::Event;
use crate::config::Config;
use crate::room::SharedRoom;
use crate::stop_signal::StopSignal;
use crate::trace::Trace;
use crossbeam_channel::Sender;
use std::io::{self, Read};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;

/// What a client thread needs, handed over by the acceptor.
pub struct Session {
    pub connection: ConnectionId,
    pub stream: Arc<TcpStream>,
    pub room: SharedRoom,
    /// This thread's handle on the broadcaster's channel. Dropped when the thread ends; the
    /// broadcaster stops once every such handle (and the acceptor's) is gone.
    pub events: Sender<Event>,
    pub config: Arc<Config>,
    /// Raised when the server stops: the thread then reads no more lines, and a pacing wait ends.
    pub stop: Arc<StopSignal>,
    /// `--trace`: this thread's steps, a no-op when off.
    pub trace: Trace,
}

/// Hands an event to the broadcaster. False only if the broadcaster is gone, which happens only
/// if it panicked: then this client has nobody to talk to and its thread ends quietly, freeing
/// its slot, rather than panicking in turn.
pub fn send(events: &Sender<Event>, event: Event) -> bool {
    events.send(event).is_ok()
}

/// The socket as the client thread reads it. During the handshake every read is bounded by what
/// is left of the ID deadline, so a peer that trickles one byte a minute still times out; once
/// joined, `deadline` is `None` and a user may stay idle as long as they like.
pub struct SocketReader {
    stream: Arc<TcpStream>,
    deadline: Option<Instant>,
}

impl SocketReader {
    /// Reads `session`'s socket with the ID deadline (`--id-timeout` from now).
    pub fn for_handshake(session: &Session) -> SocketReader {
        SocketReader {
            stream: Arc::clone(&session.stream),
            deadline: Some(Instant::now() + session.config.id_timeout),
        }
    }

    pub fn clear_deadline(&mut self) -> io::Result<()> {
        self.deadline = None;
        self.stream.set_read_timeout(None)
    }
}

impl Read for SocketReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            self.stream.set_read_timeout(Some(left))?;
        }
        (&*self.stream).read(buf)
    }
}
