//! Behind is not gone: on a classroom network (a namespace with loopback at MTU 1500, where the
//! kernel absorbs a few hundred KB per socket instead of megabytes), a reader that keeps reading
//! is never dropped, however far a paste or a pause puts it behind; a reader that takes nothing
//! still is (and a laptop whose network vanished: `tests/vanished_peer.rs`). Each test needs root
//! for its namespace and prints `skipped: ...` without it.

mod common;

use common::lan;
use common::log::{expect_containing, start_server_logged};
use common::numbered::{InOrder, pasted, talk_until_left};
use common::program::Program;
use common::{Client, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::SENDING_TOO_FAST;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

/// The classroom of the issue that found the problem: 25 readers, 5 students who paste.
const READERS: usize = 25;
const PASTERS: usize = 5;
/// A paste: 50 lines (exactly the default `--burst`) of about 4 KB (`--max-line` is 4096).
const PASTE_LINES: usize = 50;
const PASTE_LINE_BYTES: usize = 4000;

/// A reader that is the real `client` binary, with its output piped to the test.
fn client_binary(addr: SocketAddr, id: &str) -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_client"));
    command
        .args(["--addr", &addr.to_string()])
        .env("NO_COLOR", "1");
    let mut program = Program::start(&mut command);
    program.expect("Enter your ID:");
    program.type_line(id);
    let list = program.read_line();
    assert!(
        list.starts_with("** "),
        "{id} expected a user list, got {list:?}"
    );
    program
}

/// Five students paste 50 lines of 4 KB at the same moment, default options: each of the 25
/// readers (the real `client` binary) is owed 1 MB at once, far more than the kernel holds for
/// it on this network. Nobody is dropped, every reader gets every line of every paste in order,
/// and the pasters are not even paced (a paste of `--burst` lines goes through at once).
#[test]
fn a_classroom_paste_drops_nobody() {
    let Some(_lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    let server = start_server_with(test_config());
    let addr = server.local_addr();
    let readers: Vec<Program> = (0..READERS)
        .map(|n| client_binary(addr, &format!("reader{n}")))
        .collect();
    let mut pasters: Vec<Client> = (0..PASTERS)
        .map(|n| Client::join(addr, &format!("paster{n}")).0)
        .collect();
    for (index, reader) in readers.iter().enumerate() {
        for later in index + 1..READERS {
            reader.expect(&format!("User reader{later} joined the chat"));
        }
        for n in 0..PASTERS {
            reader.expect(&format!("User paster{n} joined the chat"));
        }
    }
    for (index, paster) in pasters.iter_mut().enumerate() {
        for later in index + 1..PASTERS {
            paster.expect(&format!("User paster{later} joined the chat"));
        }
    }

    let at_once = Arc::new(Barrier::new(PASTERS));
    let pasting: Vec<_> = pasters
        .into_iter()
        .map(|paster| {
            let at_once = Arc::clone(&at_once);
            thread::spawn(move || paste_and_read_the_others(paster, &at_once))
        })
        .collect();
    for reader in &readers {
        let mut in_order = InOrder::default();
        while in_order.total() < PASTERS * PASTE_LINES {
            in_order.take(&reader.read_line());
        }
    }
    let mut pasters: Vec<Client> = pasting
        .into_iter()
        .map(|paster| paster.join().expect("a paster panicked"))
        .collect();
    assert_eq!(
        pasters[0].users().len(),
        READERS + PASTERS,
        "nobody was dropped"
    );
}

/// One student's paste, in one write as a terminal pastes it, once every paster is ready; then
/// reads the others' pastes, in order, and never hears that it sends too fast.
fn paste_and_read_the_others(mut paster: Client, at_once: &Barrier) -> Client {
    let paste: String = (0..PASTE_LINES)
        .map(|n| pasted(n, PASTE_LINE_BYTES) + "\n")
        .collect();
    at_once.wait();
    paster.send_raw(paste.as_bytes());
    let mut in_order = InOrder::default();
    while in_order.total() < (PASTERS - 1) * PASTE_LINES {
        let line = paster.read_line();
        assert_ne!(line, SENDING_TOO_FAST, "a paste of --burst lines was paced");
        in_order.take(&line);
    }
    paster
}

/// A laptop that pauses for 300 ms (a busy machine, a Ctrl-Z) while someone bursts 16,000 lines
/// of 530 bytes with pacing off: 8.4 MB, nearly all of it owed to the paused reader before it
/// reads again. It is behind, not gone: kept, and it receives everything, in order, once.
#[test]
fn a_reader_paused_during_a_burst_is_kept() {
    let Some(_lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    let server = start_server_with(Config {
        max_rate: 0,
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut paused, _) = Client::join(addr, "paused");
    let mut talker = Client::join_seen_by(addr, "talker", &mut [&mut paused]);
    let count = 16_000;
    let burst = thread::spawn(move || {
        let lines: String = (0..count).map(|n| pasted(n, 530) + "\n").collect();
        talker.send_raw(lines.as_bytes());
        talker
    });
    let mut in_order = InOrder::default();
    in_order.take(&paused.read_line());
    thread::sleep(Duration::from_millis(300)); // The pause under test, not a synchronisation.
    while in_order.total() < count {
        in_order.take(&paused.read_line());
    }
    let _talker = burst.join().expect("the talker panicked");
    assert_eq!(paused.users(), ["paused", "talker"]);
}

/// A client that reads nothing at all is still dropped, by the write timeout (`not reading` in
/// the log), within the timeout plus the time its socket buffers take to fill; meanwhile the
/// healthy reader receives every message, in order, before and after the drop.
#[test]
fn a_client_that_never_reads_is_still_dropped_by_the_write_timeout() {
    let Some(_lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    let write_timeout = Duration::from_secs(1);
    let (server, log) = start_server_logged(Config {
        write_timeout,
        // Out of reach: only the write timeout may drop anyone here.
        soft_backlog: 1 << 30,
        max_backlog: 1 << 30,
        max_rate: 0,
        ..test_config()
    });
    let addr = server.local_addr();
    let [mut reader, mut talker, stalled] = common::trio(addr, ["reader", "talker", "stalled"]);
    stalled.shrink_receive_buffer();

    let started = Instant::now();
    let mut in_order = InOrder::default();
    let mut n = talk_until_left(
        &mut talker,
        &mut reader,
        "stalled",
        &mut in_order,
        Duration::ZERO,
    );
    let dropped_after = started.elapsed();
    expect_containing(&log, "User 'stalled' dropped: not reading");
    // Generous: the bound is the timeout plus a tick, and the machine is shared.
    assert!(
        dropped_after < write_timeout * 4,
        "dropped only after {dropped_after:?}"
    );
    for _ in 0..100 {
        talker.send(&pasted(n, 1000));
        n += 1;
    }
    while in_order.total() < n {
        in_order.take(&reader.read_line());
    }
    drop(stalled);
    assert_eq!(reader.users(), ["reader", "talker"]);
}
