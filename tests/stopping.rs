//! A stop is quick and tells everyone, whatever the clients are doing: flooding and paced with
//! lines still queued, or still choosing an ID.

mod common;

use common::{Client, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::{SENDING_TOO_FAST, SHUTTING_DOWN};
use std::sync::mpsc;
use std::thread;

/// A paced flooder with a thousand lines queued at one line a second does not hold the stop up:
/// its pacing wait ends at the stop and it reads no more. Everyone is told, the flooder too, and
/// nobody sees a `left` notice first. (Before, the server went on reading the queue at the paced
/// rate and never finished stopping.)
#[test]
fn a_paced_flood_does_not_hold_up_a_stop() {
    let server = start_server_with(Config {
        max_rate: 1,
        burst: 1,
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut watcher, _) = Client::join(addr, "Watcher");
    let mut flood = Client::join_seen_by(addr, "Flood", &mut [&mut watcher]);
    flood.send_raw("flood\n".repeat(1000).as_bytes());
    flood.expect(SENDING_TOO_FAST);
    watcher.expect("[Flood]: flood");

    let (stopped, stop_done) = mpsc::channel();
    thread::spawn(move || {
        server.shutdown();
        let _ = stopped.send(());
    });
    stop_done
        .recv_timeout(common::LINE_TIMEOUT)
        .expect("the stop finishes although a paced client has lines queued");
    while let Some(line) = watcher.try_read_line() {
        if line == SHUTTING_DOWN {
            break;
        }
        assert_eq!(
            line, "[Flood]: flood",
            "nothing else comes before the notice"
        );
    }
    watcher.expect_closed();
    flood.expect(SHUTTING_DOWN);
    flood.expect_closed();
}

/// A connection still choosing its ID, even one waiting out the ID pacing, is told too.
#[test]
fn a_connection_choosing_its_id_is_told_of_the_stop() {
    let server = start_server_with(Config {
        max_rate: 1,
        ..test_config()
    });
    let addr = server.local_addr();
    let mut prompt = Client::connect(addr);
    let mut paced = Client::connect(addr);
    paced.send_raw("[x]\n".repeat(6).as_bytes());
    for _ in 0..5 {
        assert!(paced.read_line().starts_with("ID rejected: "));
        paced.expect("Enter your ID:");
    }
    assert!(paced.read_line().starts_with("ID rejected: "));
    server.shutdown();
    prompt.expect(SHUTTING_DOWN);
    prompt.expect_closed();
    paced.expect(SHUTTING_DOWN);
    paced.expect_closed();
}
