//! Reaching the server, and saying in one line what to do when that fails.
//!
//! Go counterpart: `net.Dial("tcp", "localhost:5000")` followed by `log.Fatal(err)`. The Go error
//! names the system call; ours names the likely cause and the next step, because the usual reason
//! is simply that the server has not been started.

use std::fmt;
use std::io;
use std::net::{TcpStream, ToSocketAddrs};
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
