//! Clients that read slowly or not at all, and what everyone else sees meanwhile: the broadcaster
//! never waits for them. No test measures time; each asserts what arrives, in which order, and
//! what arrives before what.

mod common;

use common::{Client, kernel_capacity, start_server_with, test_config};
use realtime_chat::Config;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Each test message's text: its number, padded to about 1 KiB.
fn message(n: usize) -> String {
    format!("{n} {}", "p".repeat(1000))
}

/// The number in a line from `talker`.
fn number(line: &str) -> usize {
    let body = line
        .strip_prefix("[talker]: ")
        .unwrap_or_else(|| panic!("not from the talker: {line:.80}"));
    body.split(' ').next().unwrap().parse().unwrap()
}

/// Reads `count` talker messages and asserts they are 0, 1, 2, ... in order, each once.
fn expect_numbered(client: &mut Client, count: usize) {
    for expected in 0..count {
        let line = client.read_line();
        assert_eq!(number(&line), expected, "lost or reordered: {line:.40}");
    }
}

/// Two clients stop reading; the talker then sends more than the kernel can hold for them, so
/// their bytes wait in the server. The healthy reader still receives every message, including
/// all those sent after the stall began, before either stalled client is dropped: both are still
/// in the room when it has read the last one. The one that stopped for good is then announced as
/// left once; the one that was only late reads everything afterwards, in order, exactly once.
#[test]
fn a_healthy_reader_keeps_receiving_while_others_are_stalled() {
    let server = start_server_with(Config {
        write_timeout: Duration::from_secs(60),
        max_backlog: 64 * 1024 * 1024,
        max_rate: 0, // These tests send at full speed on purpose: no pacing.
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut reader, _) = Client::join(addr, "reader");
    let mut talker = Client::join_seen_by(addr, "talker", &mut [&mut reader]);
    let gone = Client::join_seen_by(addr, "gone", &mut [&mut reader, &mut talker]);
    let mut late = Client::join_seen_by(addr, "late", &mut [&mut reader, &mut talker]);
    // `late` keeps its normal receive buffer: shrunk, it would catch up later at one small window
    // per delayed ACK, minutes for these megabytes.
    gone.shrink_receive_buffer();

    let count = kernel_capacity() / 1000 + 2000;
    let sender = thread::spawn(move || {
        (0..count).for_each(|n| talker.send(&message(n)));
        talker
    });
    expect_numbered(&mut reader, count);
    let _talker = sender.join().expect("the talker panicked");
    assert_eq!(reader.users(), ["reader", "talker", "gone", "late"]);

    drop(gone);
    reader.expect("User gone left the chat");
    expect_numbered(&mut late, count);
    late.expect("User gone left the chat");
    reader.expect_silence();
}

/// A client whose queue passes `--max-backlog` is dropped at once, long before its write timeout,
/// and announced as left exactly once; the healthy reader loses nothing, in order.
#[test]
fn a_member_whose_queue_overflows_is_dropped_at_once() {
    let max_backlog = 64 * 1024;
    let server = start_server_with(Config {
        // Far beyond the reader's line timeout: a drop seen in time is the backlog's doing.
        write_timeout: Duration::from_secs(600),
        max_backlog,
        max_rate: 0, // These tests send at full speed on purpose: no pacing.
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut reader, _) = Client::join(addr, "reader");
    let mut talker = Client::join_seen_by(addr, "talker", &mut [&mut reader]);
    let stalled = Client::join_seen_by(addr, "stalled", &mut [&mut reader, &mut talker]);
    stalled.shrink_receive_buffer();

    let dropped = Arc::new(AtomicBool::new(false));
    let sender = thread::spawn({
        let dropped = Arc::clone(&dropped);
        move || {
            let mut n = 0;
            while !dropped.load(Ordering::SeqCst) {
                talker.send(&message(n));
                n += 1;
            }
            talker.send("done");
            (n, talker)
        }
    });
    let mut next = 0;
    let mut left_notices = 0;
    let mut before_drop = 0;
    loop {
        let line = reader.read_line();
        match line.as_str() {
            "User stalled left the chat" => {
                left_notices += 1;
                before_drop = next;
                dropped.store(true, Ordering::SeqCst);
            }
            "[talker]: done" => break,
            _ => {
                assert_eq!(number(&line), next, "lost or reordered: {line:.40}");
                next += 1;
            }
        }
    }
    let (sent, _talker) = sender.join().expect("the talker panicked");
    assert_eq!(next, sent, "every message reached the healthy reader");
    assert_eq!(left_notices, 1, "the drop is announced exactly once");
    // The notice's place in the stream: dropped once its backlog passed the limit (plus what the
    // kernel holds, and a batch in flight), not after the talker had sent far more.
    let bound = (kernel_capacity() + max_backlog) / 1000 + 256;
    assert!(
        before_drop < bound,
        "dropped only after {before_drop} messages"
    );
    assert_eq!(reader.users(), ["reader", "talker"]);
}

/// A reader that is slower than everyone else but keeps up with the room (here the talker never
/// gets more than a window of messages ahead of it, and it reads them 100 bytes at a time) is
/// never dropped: whenever bytes wait for it, it takes some before the write timeout, and its
/// backlog never passes the limit. It receives everything in order, once.
#[test]
fn a_slow_but_steady_reader_is_never_dropped() {
    let window = 400;
    let server = start_server_with(Config {
        max_backlog: 2 * window * 1024,
        max_rate: 0, // These tests send at full speed on purpose: no pacing.
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut fast, _) = Client::join(addr, "fast");
    let mut talker = Client::join_seen_by(addr, "talker", &mut [&mut fast]);
    let slow = Client::join_seen_by(addr, "slow", &mut [&mut fast, &mut talker]);

    let count = 5000;
    let (read_so_far, progress) = mpsc::channel::<usize>();
    let reader = thread::spawn(move || read_slowly(slow, count, read_so_far));
    // `fast` reads as the messages come, so that it is never the one whose backlog grows.
    let fast_reader = thread::spawn(move || {
        expect_numbered(&mut fast, count);
        fast
    });
    for n in 0..count {
        if n >= window {
            // Wait until the slow reader has taken message `n - window`.
            progress.recv().expect("the slow reader stopped early");
        }
        talker.send(&message(n));
    }
    let mut fast = fast_reader.join().expect("the fast reader panicked");
    let mut slow = reader.join().expect("the slow reader panicked");
    assert_eq!(slow.users(), ["fast", "talker", "slow"], "never dropped");
    fast.expect_silence();
}

/// Reads `count` numbered messages through a 100-byte buffer, checking their order, and reports
/// each one on `read_so_far`.
fn read_slowly(client: Client, count: usize, read_so_far: mpsc::Sender<usize>) -> Client {
    let mut stream = client.stream.try_clone().expect("cloning the socket");
    let mut line = Vec::new();
    let mut next = 0;
    let mut chunk = [0u8; 100];
    while next < count {
        let n = stream.read(&mut chunk).expect("the slow reader's socket");
        assert!(n > 0, "the server closed the slow reader's connection");
        for &byte in &chunk[..n] {
            if byte != b'\n' {
                line.push(byte);
                continue;
            }
            let text = String::from_utf8(std::mem::take(&mut line)).expect("UTF-8");
            assert_eq!(number(&text), next, "lost or reordered: {text:.40}");
            next += 1;
            // NOTE: ignoring errors: the talker stops listening once it has sent everything.
            let _ = read_so_far.send(next);
        }
    }
    client
}
