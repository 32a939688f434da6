//! A stop is quick and tells everyone, whatever the clients are doing: flooding and paced with
//! lines still queued, or still choosing an ID.

mod common;

use common::{Arrival, Client, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::{CURRENT_USERS_PREFIX, SENDING_TOO_FAST, SHUTTING_DOWN};
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

/// How many connections send their IDs while the server stops, in
/// [`ids_sent_as_the_server_stops_are_all_told_it`]: enough that some claims land on each side
/// of the stop, and in the moment between.
const RACING_IDS: usize = 60;

/// The stop racing the handshake: connections send their IDs while the server stops. Whichever
/// side of the stop its claim lands on, each is told the server is stopping before it is closed,
/// after its user list if it got one. (Before, a claim just after the broadcaster had said
/// goodbye was closed without a word.) The exact interleaving differs from run to run; the unit
/// test `an_id_claimed_after_the_stop_began_is_told_the_server_is_stopping` in
/// `src/handshake.rs` makes the worst one happen every time.
#[test]
fn ids_sent_as_the_server_stops_are_all_told_it() {
    let server = start_server_with(test_config());
    let addr = server.local_addr();
    let mut clients: Vec<Client> = (0..RACING_IDS).map(|_| Client::connect(addr)).collect();
    let stopping = thread::spawn(move || server.shutdown());
    for (n, client) in clients.iter_mut().enumerate() {
        client.send(&format!("racer{n}"));
    }
    stopping.join().expect("the stop panicked");
    for client in &mut clients {
        let mut last = None;
        // Until the connection closes, perhaps with a reset: the ID may reach a socket whose
        // thread has already said goodbye and closed it.
        while let Arrival::Line(line) = client.next_within(common::LINE_TIMEOUT) {
            if let Some(before) = last.replace(line) {
                assert!(
                    before == "** No other users in chat **"
                        || before.starts_with(CURRENT_USERS_PREFIX)
                        || before.starts_with("User "),
                    "unexpected line {before:?}"
                );
            }
        }
        assert_eq!(
            last.as_deref(),
            Some(SHUTTING_DOWN),
            "closed without the notice"
        );
    }
}
