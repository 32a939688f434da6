//! The budget as a weapon: members that each stay just inside every per-member rule and together
//! hold the room's memory. Each pastes long lines as fast as the server lets it and reads a
//! little, slowly, so it always makes progress (no `--write-timeout` drop) and never holds much
//! (no `--soft-backlog` drop). Dropped, it comes straight back, as an attacker would.

use socket2::{Domain, Socket, Type};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Bytes of each pasted line: just inside `--max-line` (4096).
pub const LINE_BYTES: usize = 4000;
/// What a trickler reads at a time, and how often: 8 KB a second, far slower than the room talks.
const SIP: usize = 4096;
const SIP_EVERY: Duration = Duration::from_millis(500);

/// Tricklers at work, until [`Attack::stop`].
pub struct Attack {
    running: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    /// Connections made, the first ones included: above the tricklers' count, they were dropped
    /// and came back.
    pub connections: Arc<AtomicUsize>,
}

impl Attack {
    /// Starts `count` tricklers spread over `from` (addresses that are not exempt), and returns
    /// once each has joined.
    pub fn start(addr: SocketAddr, count: usize, from: &[IpAddr]) -> Attack {
        let running = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(AtomicUsize::new(0));
        let (joined, all_joined) = crossbeam_channel::unbounded();
        let threads = (0..count)
            .map(|n| {
                let local = from[n % from.len()];
                let running = Arc::clone(&running);
                let connections = Arc::clone(&connections);
                let joined = joined.clone();
                thread::spawn(move || {
                    let mut first = Some(joined);
                    while running.load(Ordering::Relaxed) {
                        connections.fetch_add(1, Ordering::Relaxed);
                        trickle(addr, local, &format!("trickler{n}"), &running, &mut first);
                    }
                })
            })
            .collect();
        for _ in 0..count {
            all_joined
                .recv_timeout(super::LINE_TIMEOUT)
                .expect("every trickler joins");
        }
        Attack {
            running,
            threads,
            connections,
        }
    }

    pub fn stop(self) {
        self.running.store(false, Ordering::Relaxed);
        for thread in self.threads {
            thread.join().expect("a trickler never panics");
        }
    }
}

/// One trickler's connection, until the server drops it or the attack ends.
fn trickle(
    addr: SocketAddr,
    local: IpAddr,
    id: &str,
    running: &AtomicBool,
    joined: &mut Option<crossbeam_channel::Sender<()>>,
) {
    let Some(stream) = connect(local, addr) else {
        thread::sleep(SIP_EVERY); // The server is gone or stopping: try again, as a person would.
        return;
    };
    let mut lines = BufReader::new(stream.try_clone().expect("cloning the socket"));
    let mut line = String::new();
    let prompt = lines.read_line(&mut line);
    if !(prompt.is_ok() && line.starts_with("Enter your ID")) {
        // Refused (throttled, or too many from this address): wait as a person would, then retry.
        thread::sleep(SIP_EVERY);
        return;
    }
    let mut writer = stream.try_clone().expect("cloning the socket");
    if writeln!(writer, "{id}").is_err() {
        return;
    }
    line.clear();
    if lines.read_line(&mut line).is_err() || !line.starts_with("** ") {
        return;
    }
    if let Some(joined) = joined.take() {
        joined.send(()).expect("the test waits for every join");
    }
    // A paste as long as the attack: blocking writes, slowed by the server's pacing alone.
    let paster = thread::spawn(move || {
        let line = format!("{}\n", "p".repeat(LINE_BYTES - 1));
        while writer.write_all(line.as_bytes()).is_ok() {}
    });
    let mut sip = [0; SIP];
    let mut reader = lines.into_inner();
    reader
        .set_read_timeout(Some(SIP_EVERY))
        .expect("setting a read timeout");
    while running.load(Ordering::Relaxed) {
        match reader.read(&mut sip) {
            Ok(0) => break,
            Ok(_) => thread::sleep(SIP_EVERY), // The trickle is the attack: read slowly.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    // NOTE: ignoring errors: the connection may be closed already.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    paster.join().expect("the paster never panics");
}

/// A connection from `local` with a receive buffer of [`SIP`], or `None` if the server refuses it.
fn connect(local: IpAddr, addr: SocketAddr) -> Option<TcpStream> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None).ok()?;
    socket.set_recv_buffer_size(SIP).ok()?;
    socket.bind(&SocketAddr::new(local, 0).into()).ok()?;
    socket.connect(&addr.into()).ok()?;
    Some(socket.into())
}
