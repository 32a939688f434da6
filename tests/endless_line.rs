//! A line without end: the bytes thrown away are paced as lines are, so a client streaming
//! without a newline costs the server little CPU, and the room does not notice it. Measured on the
//! real `server` binary, whose CPU time `/proc/PID/stat` gives apart from the test's own.

mod common;

use common::server_process::ServerProcess;
use common::{Client, omar_and_ahmed};
use std::io::{ErrorKind, Write};
use std::thread;
use std::time::{Duration, Instant};

/// How long the client streams without a newline.
const STREAMING: Duration = Duration::from_secs(5);

/// The most server CPU the stream may cost, as a share of the wall time. Unpaced, the server read
/// and threw away bytes as fast as they came: 2.26 s of CPU in these 5 s for the debug build on a
/// loaded machine, a whole core when it has one (18.5 s in 20 s, release build). Paced, it reads
/// 16 MiB at once and then 1 MiB a second: 0.14 s here, seven times under the bound. CPU time,
/// not wall time, so a loaded machine slows the test without making the paced server fail it.
const MAX_CPU_SHARE: f64 = 0.2;

/// A client streams bytes without a newline for five seconds: meanwhile the others chat as
/// usual, and the server spends well under a third of a core on it.
#[test]
fn a_line_without_end_costs_little_cpu_and_the_room_goes_on() {
    let server = ServerProcess::start("", "");
    let (mut omar, mut ahmed) = omar_and_ahmed(server.addr);
    let streamer = Client::join_seen_by(server.addr, "Stream", &mut [&mut omar, &mut ahmed]);
    let pid = server.child.id();
    let before = cpu_time(pid);
    let started = Instant::now();
    let streaming = thread::spawn(move || stream_without_newline(streamer, started + STREAMING));
    let mut said = 0;
    while started.elapsed() < STREAMING {
        ahmed.send(&format!("line {said}"));
        omar.expect(&format!("[Ahmed]: line {said}"));
        said += 1;
    }
    let cpu = cpu_time(pid) - before;
    let wall = started.elapsed();
    let (streamer, sent) = streaming.join().expect("the streamer panicked");
    eprintln!("streamed {sent} bytes in {wall:?}; server CPU {cpu:?}; {said} lines said meanwhile");
    assert!(
        cpu < wall.mul_f64(MAX_CPU_SHARE),
        "the server spent {cpu:?} of CPU in {wall:?} on a line without end"
    );
    // A reset, so the server need not read the megabytes still queued (at 1 MiB a second).
    socket2::SockRef::from(&streamer.stream)
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER");
    drop(streamer);
    omar.expect("User Stream left the chat");
}

/// Writes `x` without a newline until `deadline`, as fast as the socket takes it. Returns the
/// client, still open, and how many bytes it sent.
fn stream_without_newline(mut client: Client, deadline: Instant) -> (Client, usize) {
    let chunk = vec![b'x'; 64 * 1024];
    // Short, so a socket the server no longer reads from returns to the deadline check.
    let wait = Duration::from_millis(100);
    client.stream.set_write_timeout(Some(wait)).unwrap();
    let mut sent = 0;
    while Instant::now() < deadline {
        match client.stream.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("streaming to the server: {e}"),
        }
    }
    (client, sent)
}

/// The process's CPU time so far, user and system, from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("reading stat");
    // The fields after the command name, which is in parentheses and may hold spaces; utime and
    // stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}
