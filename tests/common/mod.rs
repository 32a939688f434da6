//! What every test needs: a real server on `127.0.0.1:0`, and a small line client over a real
//! socket whose reads time out, so that a server that never answers fails the test instead of
//! hanging CI.

#![allow(dead_code)] // Each test file uses its own part of these helpers.

pub mod lan;
pub mod log;
pub mod numbered;
pub mod program;
pub mod server_process;
pub mod terminal;
pub mod trickle;

use realtime_chat::logger::LogSink;
use realtime_chat::{Config, Server};
use socket2::{Domain, Socket, Type};
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

/// How long a test waits for a line it expects. Generous, because CI machines are shared: a
/// correct server answers in microseconds, and only a broken one ever reaches this.
pub const LINE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a test listens to conclude that *nothing more* arrives. Short, so the suite stays fast;
/// every such check follows a line that proves the server already handled what came before.
pub const QUIET_PERIOD: Duration = Duration::from_millis(200);

/// A config for tests: port 0, the defaults otherwise.
pub fn test_config() -> Config {
    Config {
        addr: "127.0.0.1:0".to_string(),
        ..Config::default()
    }
}

pub fn start_server() -> Server {
    start_server_with(test_config())
}

/// The log goes nowhere: an in-process server would otherwise write over the test runner's output.
pub fn start_server_with(config: Config) -> Server {
    Server::bind_with_log(config, LogSink::discard()).expect("binding 127.0.0.1:0 must work")
}

/// The usual cast: Omar joins, then Ahmed, and Omar has seen Ahmed's join.
pub fn omar_and_ahmed(addr: SocketAddr) -> (Client, Client) {
    let (mut omar, _) = Client::join(addr, "Omar");
    let ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut omar]);
    (omar, ahmed)
}

/// Three clients who join in order, each join seen by those already in: the usual cast of a test
/// with a reader, a talker and a third whose reading is under test.
pub fn trio(addr: SocketAddr, ids: [&str; 3]) -> [Client; 3] {
    let (mut first, _) = Client::join(addr, ids[0]);
    let mut second = Client::join_seen_by(addr, ids[1], &mut [&mut first]);
    let third = Client::join_seen_by(addr, ids[2], &mut [&mut first, &mut second]);
    [first, second, third]
}

/// One test client: a real TCP connection read line by line.
pub struct Client {
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects and reads the ID prompt.
    pub fn connect(addr: SocketAddr) -> Client {
        let mut client = Client::connect_silently(addr);
        client.expect("Enter your ID:");
        client
    }

    /// Connects without reading anything.
    pub fn connect_silently(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("the test server must accept connections");
        Client::over(stream)
    }

    /// Connects from `local` (say `127.0.0.2`, another loopback address on Linux) without
    /// reading anything, so a test can be a second machine as far as the server can tell.
    pub fn connect_from(local: IpAddr, addr: SocketAddr) -> Client {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None).unwrap();
        socket
            .bind(&SocketAddr::new(local, 0).into())
            .unwrap_or_else(|e| panic!("binding {local}: {e}"));
        socket
            .connect(&addr.into())
            .expect("the test server must accept connections");
        Client::over(socket.into())
    }

    fn over(stream: TcpStream) -> Client {
        stream.set_read_timeout(Some(LINE_TIMEOUT)).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client { stream, reader }
    }

    /// Connects, sends `id`, and reads the user list. Returns the client and that list line.
    pub fn join(addr: SocketAddr, id: &str) -> (Client, String) {
        let mut client = Client::connect(addr);
        client.send(id);
        let list = client.read_line();
        assert!(
            list.starts_with("** "),
            "{id} expected a user list, got {list:?}"
        );
        (client, list)
    }

    /// Joins, and has every client in `others` read the join notice, so that the room's state is
    /// known to everyone before the test goes on.
    pub fn join_seen_by(addr: SocketAddr, id: &str, others: &mut [&mut Client]) -> Client {
        let (client, _) = Client::join(addr, id);
        for other in others.iter_mut() {
            other.expect(&format!("User {id} joined the chat"));
        }
        client
    }

    /// Shrinks this client's socket receive buffer to 4 KiB, so that a client that stops reading
    /// backs up after a few lines instead of megabytes.
    pub fn shrink_receive_buffer(&self) {
        socket2::SockRef::from(&self.stream)
            .set_recv_buffer_size(4096)
            .expect("setsockopt(SO_RCVBUF)");
    }

    pub fn send(&mut self, line: &str) {
        self.send_raw(format!("{line}\n").as_bytes());
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("sending to the server");
    }

    /// The next line, without its newline. Panics on timeout or end of stream.
    pub fn read_line(&mut self) -> String {
        self.try_read_line()
            .unwrap_or_else(|| panic!("the server closed the connection instead of sending a line"))
    }

    /// The next line, or `None` at end of stream. Panics on timeout.
    pub fn try_read_line(&mut self) -> Option<String> {
        let mut buf = Vec::new();
        match self.reader.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Ok(_) => {
                assert_eq!(
                    buf.pop(),
                    Some(b'\n'),
                    "a line must end in a newline: {buf:?}"
                );
                Some(String::from_utf8(buf).expect("the server sends UTF-8"))
            }
            Err(e) if is_timeout(e.kind()) => {
                panic!("no line from the server within {LINE_TIMEOUT:?}")
            }
            Err(e) => panic!("reading from the server: {e}"),
        }
    }

    pub fn expect(&mut self, line: &str) {
        assert_eq!(self.read_line(), line);
    }

    /// Asserts that the server closes the connection (perhaps after a reset).
    pub fn expect_closed(&mut self) {
        let mut buf = Vec::new();
        match self.reader.read_until(b'\n', &mut buf) {
            Ok(0) => {}
            Ok(_) => panic!(
                "expected the connection to close, got {:?}",
                String::from_utf8_lossy(&buf)
            ),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("expected the connection to close, got error {e}"),
        }
    }

    /// Skips chat and join/leave notices still arriving, then expects the connection to close.
    pub fn skip_chat_until_closed(&mut self) {
        while let Some(line) = self.try_read_line() {
            assert!(
                line.starts_with('[') || line.starts_with("User "),
                "unexpected line before close: {line:?}"
            );
        }
    }

    /// Asserts that nothing arrives within [`QUIET_PERIOD`].
    pub fn expect_silence(&mut self) {
        self.stream.set_read_timeout(Some(QUIET_PERIOD)).unwrap();
        let mut buf = Vec::new();
        let result = self.reader.read_until(b'\n', &mut buf);
        self.stream.set_read_timeout(Some(LINE_TIMEOUT)).unwrap();
        match result {
            Err(e) if is_timeout(e.kind()) && buf.is_empty() => {}
            other => panic!(
                "expected silence, got {other:?} with {:?}",
                String::from_utf8_lossy(&buf)
            ),
        }
    }

    /// The next line if one arrives within `wait`, the end of the stream, or nothing. For tests
    /// that must tell a silent server from one that answers; `wait` is theirs to document.
    pub fn next_within(&mut self, wait: Duration) -> Arrival {
        self.stream.set_read_timeout(Some(wait)).unwrap();
        let mut buf = Vec::new();
        let result = self.reader.read_until(b'\n', &mut buf);
        self.stream.set_read_timeout(Some(LINE_TIMEOUT)).unwrap();
        match result {
            Ok(0) => Arrival::Closed,
            Ok(_) => Arrival::Line(String::from_utf8_lossy(&buf).trim_end_matches('\n').into()),
            Err(e) if is_timeout(e.kind()) => Arrival::Nothing,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Arrival::Closed,
            Err(e) => panic!("reading from the server: {e}"),
        }
    }

    /// Sends `/users` and returns the names listed.
    pub fn users(&mut self) -> Vec<String> {
        self.send("/users");
        let line = self.read_line();
        let names = line
            .strip_prefix("** Users in chat: ")
            .and_then(|rest| rest.strip_suffix(" **"))
            .unwrap_or_else(|| panic!("expected a /users answer, got {line:?}"));
        names.split(", ").map(str::to_string).collect()
    }
}

/// What [`Client::next_within`] saw: a line (without its newline), the end of the stream, or
/// nothing within the wait.
#[derive(Debug, PartialEq, Eq)]
pub enum Arrival {
    Line(String),
    Closed,
    Nothing,
}

/// The most bytes the kernel can hold for one connection that is not read: the server's send
/// buffer at its largest (`tcp_wmem`'s maximum, which autotuning may reach) plus the client's
/// receive buffer, which does not grow while the client reads nothing (`tcp_rmem`'s default;
/// `Client::shrink_receive_buffer` shrinks it further). Anything sent beyond this waits in the
/// server (in its send queue, or in a blocked write).
pub fn kernel_capacity() -> usize {
    let field = |file: &str, index: usize| -> usize {
        let path = format!("/proc/sys/net/ipv4/{file}");
        let text = std::fs::read_to_string(path).expect("Linux has tcp_wmem and tcp_rmem");
        text.split_whitespace().nth(index).unwrap().parse().unwrap()
    };
    field("tcp_wmem", 2) + field("tcp_rmem", 1) + 64 * 1024
}

/// What a terminal shows of a program's output, without its `ESC [ ... letter` colour and erase
/// codes (the Go client's and the steps' client's lines, read raw from a pipe).
pub fn without_colours(raw: &str) -> String {
    let mut text = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.next() == Some('[') {
            chars.find(char::is_ascii_alphabetic);
        } else {
            text.push(c);
        }
    }
    text
}

fn is_timeout(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
