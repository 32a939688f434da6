//! The connection: reaching the server (and saying in one line what to do when that fails),
//! reading its lines, sending ours, and the named threads that do it.
//!
//! Go counterpart: `net.Dial("tcp", "localhost:5000")` followed by `log.Fatal(err)`, then
//! `bufio.NewReader(conn)` and `fmt.Fprint(conn, line)`. The Go error names the system call; ours
//! names the likely cause and the next step, because the usual reason is simply that the server
//! has not been started.

use super::console::{Console, Shown};
use crate::line_reader::{Line, LineReader};
use crate::{Config, id, protocol};
use std::fmt;
use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::thread;
use std::time::Duration;

/// How long one connection attempt may take. Without a bound, an address whose packets are
/// silently dropped (a firewall, a machine that is off) keeps the user waiting for the operating
/// system's own limit, which is minutes; a server that is up answers in milliseconds.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the client could not connect. Its `Display` is the whole message for the user: what
/// happened, and what to check next.
#[derive(Debug)]
pub struct ConnectError {
    addr: String,
    reason: String,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot connect to {}: {}", self.addr, self.reason)
    }
}

impl std::error::Error for ConnectError {}

/// The reason when `addr` names no host the name service knows.
const UNKNOWN_HOST: &str =
    "unknown host (check the name, or use an IP address like 127.0.0.1:5000)";

/// Connects to the first address `addr` resolves to that accepts, trying each in turn (a name
/// like `localhost` may resolve to both `::1` and `127.0.0.1`, and the server listens on one).
pub fn connect(addr: &str) -> Result<TcpStream, ConnectError> {
    let fail = |reason: String| ConnectError {
        addr: addr.to_string(),
        reason,
    };
    let candidates = addr.to_socket_addrs().map_err(|error| {
        fail(match error.kind() {
            io::ErrorKind::InvalidInput => "expected HOST:PORT, like 127.0.0.1:5000".to_string(),
            _ => UNKNOWN_HOST.to_string(),
        })
    })?;
    let mut reason = UNKNOWN_HOST.to_string();
    for candidate in candidates {
        match TcpStream::connect_timeout(&candidate, CONNECT_TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(error) => reason = explain(&error),
        }
    }
    Err(fail(reason))
}

/// The usual reason is simply that the server has not been started.
fn explain(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => {
            "connection refused (is the server running? try make server)".to_string()
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => format!(
            "no answer within {} seconds (check the address, and that no firewall is in the way)",
            CONNECT_TIMEOUT.as_secs()
        ),
        _ => format!("{error} (check the address, and that the server is running)"),
    }
}

/// The most bytes an ID can take on the wire: UTF-8 spends up to four bytes on a character, and
/// IDs may be written in any script (CJK extension B, for one, takes four bytes a letter).
pub const MAX_ID_BYTES: usize = id::MAX_ID_CHARS * 4;

/// The longest line from the server the client will show, in bytes: the longest user list a
/// server with the default `--max-clients` can send, every ID at its longest in bytes (1,000
/// IDs of 32 four-byte characters: 130,027 bytes). A chat line (an ID and at most `--max-line`
/// bytes) is far shorter. The bound matters against a misbehaving server, which could otherwise
/// grow the client's memory without end; a line over it is replaced by a notice.
pub fn max_server_line() -> usize {
    longest_user_list(Config::default().max_clients)
}

/// The longest user list the server can send to a room of `users`, in bytes: every ID at
/// [`MAX_ID_BYTES`], with the longer of the two list prefixes.
pub const fn longest_user_list(users: usize) -> usize {
    let separators = users.saturating_sub(1) * ", ".len();
    protocol::CURRENT_USERS_PREFIX.len()
        + users * MAX_ID_BYTES
        + separators
        + protocol::USER_LIST_SUFFIX.len()
}

/// Bytes the receiver reads from the server at a time: std's `BufReader` default. One client has
/// one connection, so its size is of no account.
const SERVER_READ_BUFFER: usize = 8 * 1024;

/// The `receiver`'s work: hands what each line from the server means to `show`, until the
/// connection ends.
pub fn receive(stream: &TcpStream, console: &mut Console, mut show: impl FnMut(Shown)) {
    let bound = max_server_line();
    let mut reader = LineReader::new(stream, SERVER_READ_BUFFER, bound);
    loop {
        match reader.read_line() {
            // Sanitized again here: a client must not trust a server (or `nc -l`) with its
            // terminal's escape codes any more than the server trusts its clients.
            Ok(Line::Complete(raw)) => {
                console
                    .server_line(&protocol::sanitize(&raw))
                    .into_iter()
                    .for_each(&mut show);
            }
            Ok(Line::TooLong) => show(Shown::Line(console.notice(&format!(
                "** A line over {bound} bytes from the server was not shown **"
            )))),
            Ok(Line::Discarded) => {}
            Ok(Line::End) | Err(_) => return,
        }
    }
}

/// Sends one line to the server.
pub fn send(mut stream: &TcpStream, line: &[u8]) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line);
    bytes.push(b'\n');
    stream.write_all(&bytes)
}

pub fn spawn(name: &str, role: impl FnOnce() + Send + 'static) {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(role)
        .expect("the system can start the client's two extra threads");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn nothing_listening_is_refused_with_a_hint() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("a bound address").port()
        };
        let addr = format!("127.0.0.1:{port}");
        let error = connect(&addr).expect_err("nothing listens on a port just released");
        assert_eq!(
            error.to_string(),
            format!(
                "cannot connect to {addr}: connection refused (is the server running? try make server)"
            )
        );
    }

    #[test]
    fn an_address_without_a_port_is_explained() {
        let error = connect("localhost").expect_err("no port");
        assert_eq!(
            error.to_string(),
            "cannot connect to localhost: expected HOST:PORT, like 127.0.0.1:5000"
        );
    }
}
