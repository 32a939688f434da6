//! What the flaw tests of `steps.rs` and `tasks.rs` share to provoke a server: how long a silent
//! reader means a frozen room, a talker paced by what the healthy reader has read, and the size
//! of the user-list race.

use super::common::Client;
use std::io::Write;
use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

/// How long a healthy reader waits for the next line before calling the room frozen. Generous
/// against a busy machine: a room that is not frozen sends the next line in microseconds.
pub const FREEZE_WAIT: Duration = Duration::from_secs(3);

/// How many newcomers join, each during a burst of Omar's, to catch a user list that arrives
/// after a message. Where the race exists it is decided by which of two threads reaches the
/// socket first: in 24 runs of the Go original and of step 1 on 2 shared cores (a third of them
/// beside a CPU hog) it showed after 2 to 289 joins, about 60 on average, so 1,000 leave it one
/// chance in millions to hide. Where it does not exist, none of the 1,000 may show it.
pub const RACE_TRIES: usize = 1000;

/// The lines Omar sends as each newcomer joins: enough to keep the broadcaster busy through the
/// join, and far fewer than any send queue here holds (step 3: 4,096 lines), so that a newcomer
/// whose thread is slow to start on a busy machine is never dropped for it.
pub const BURST_LINES: usize = 64;

/// How many 1 KB lines the talker of the stall test may be ahead of the healthy reader: well
/// under what any server here tolerates of a reader that is behind (ours: 256 KiB beyond the
/// socket buffers; step 3: 4,096 lines), so that only the stalled client is ever dropped, even on
/// a machine so busy that the test's reader runs far slower than the talker.
pub const TALKER_LEAD: usize = 128;

/// A talker that sends `count` numbered lines of 1 KB, at most [`TALKER_LEAD`] ahead of what the
/// healthy reader has read: the reader sends one credit per line it reads, so only a stalled
/// client's backlog grows. Its thread is not joined: in a frozen room it waits for a credit until
/// the test drops the returned sender.
pub fn paced_talker(talker: &Client, count: usize) -> crossbeam_channel::Sender<()> {
    let mut stream = talker.stream.try_clone().expect("a second descriptor");
    let (credit, credits) = crossbeam_channel::unbounded();
    (0..TALKER_LEAD).for_each(|_| credit.send(()).expect("the talker holds credits"));
    thread::spawn(move || {
        for n in 0..count {
            let line = format!("{n} {}\n", "p".repeat(1000));
            if credits.recv().is_err() || stream.write_all(line.as_bytes()).is_err() {
                return;
            }
        }
    });
    credit
}

/// Newcomers join one after another, and as each sends its ID, Omar sends a burst of
/// [`BURST_LINES`] lines: `may come late` as soon as a newcomer's first line is not its user list
/// (one of Omar's lines, or the notice of an earlier join, overtook it), `first` if none of
/// [`RACE_TRIES`] is.
pub fn a_newcomers_first_line(addr: SocketAddr) -> &'static str {
    let (mut omar, _) = Client::join(addr, "Omar");
    // Omar reads everything sent to him (the newcomers' joins and leaves), so that no server ever
    // waits for him.
    let mut omar_reads = omar.stream.try_clone().expect("a second descriptor");
    thread::spawn(move || std::io::copy(&mut omar_reads, &mut std::io::sink()));
    let burst = "flood\n".repeat(BURST_LINES);
    for n in 0..RACE_TRIES {
        let mut newcomer = Client::connect(addr);
        newcomer.send(&format!("Ahmed{n}"));
        omar.send_raw(burst.as_bytes());
        if !newcomer.read_line().starts_with("** ") {
            println!("late after {n} joins");
            return "may come late";
        }
    }
    "first"
}
