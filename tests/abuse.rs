//! What a class does to a chat server in its first minutes: flood the room with lines, and hog it
//! with connections. Flooders are paced, not cut off; one address gets only its share of the room,
//! and connections that never choose an ID give their places to people.

mod common;

use common::{Client, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::{
    CLOSED_TO_MAKE_ROOM, ID_PROMPT, SENDING_TOO_FAST, TOO_MANY_FROM_ADDRESS,
};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// Lines the flooder sends in one go: after a burst of 5 at 10 a second, the server needs about
/// 3.5 s to read them all, which is the window the other client's line has to get through.
const FLOOD_LINES: usize = 40;

/// A flooder's lines all arrive, in order, and it is told once that it is being slowed; a line
/// from another client, sent once the flood is being paced, reaches everyone before the flood's
/// last line does.
#[test]
fn a_flood_is_paced_in_order_while_others_still_get_through() {
    let server = start_server_with(Config {
        max_rate: 10,
        burst: 5,
        write_timeout: Duration::from_secs(30),
        ..test_config()
    });
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let mut flood = Client::join_seen_by(addr, "Flood", &mut [&mut omar, &mut sarah]);

    let lines: String = (0..FLOOD_LINES).map(|n| format!("flood {n}\n")).collect();
    flood.send_raw(lines.as_bytes());
    flood.expect(SENDING_TOO_FAST);
    sarah.send("over the flood");

    let omar_saw_sarah_at = read_flood_around(&mut omar, "[Sarah]: over the flood");
    assert!(
        omar_saw_sarah_at < FLOOD_LINES,
        "Sarah's line reached Omar only after the flood"
    );
    flood.expect("[Sarah]: over the flood");
    // Told once: the flooder's next answer is its /users reply, with no second notice before it.
    assert_eq!(flood.users(), ["Omar", "Sarah", "Flood"]);
    assert_eq!(read_flood_around(&mut sarah, ""), FLOOD_LINES);
}

/// Reads the whole flood from `reader`, checking that its lines arrive complete and in order,
/// with `other` (if not empty) somewhere among them. Returns how many flood lines came before
/// `other`.
fn read_flood_around(reader: &mut Client, other: &str) -> usize {
    let mut before_other = FLOOD_LINES;
    let mut next = 0;
    while next < FLOOD_LINES {
        let line = reader.read_line();
        if !other.is_empty() && line == other {
            before_other = next;
            continue;
        }
        assert_eq!(line, format!("[Flood]: flood {next}"), "lost or reordered");
        next += 1;
    }
    before_other
}

/// One address may hold `--max-per-address` connections (16 by default), joined or choosing an
/// ID; the 17th from 127.0.0.2 is told and closed, and a connection closing makes room again.
/// 127.0.0.1, exempt by default, is not limited.
#[test]
fn the_seventeenth_connection_from_one_address_is_refused_but_loopback_is_exempt() {
    // The throttle is off: this test reconnects from 127.0.0.2 until a slot is free.
    let server = start_server_with(Config {
        max_connects_per_minute: 0,
        ..test_config()
    });
    let addr = server.local_addr();
    let other_machine = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let mut held: Vec<Client> = (0..16)
        .map(|_| {
            let mut client = Client::connect_from(other_machine, addr);
            client.expect("Enter your ID:");
            client
        })
        .collect();
    held[0].send("Joined");
    held[0].expect("** No other users in chat **");

    let mut refused = Client::connect_from(other_machine, addr);
    refused.expect(TOO_MANY_FROM_ADDRESS);
    refused.expect_closed();

    let _local: Vec<Client> = (0..20).map(|_| Client::connect(addr)).collect();

    held.pop();
    connect_when_there_is_room(other_machine, addr);
}

/// Connects from `local` until the server has freed a slot for it (the slot is freed when the
/// closed connection's thread ends, a moment after the close).
fn connect_when_there_is_room(local: IpAddr, addr: std::net::SocketAddr) -> Client {
    for _ in 0..1000 {
        let mut client = Client::connect_from(local, addr);
        let line = client.read_line();
        if line == "Enter your ID:" {
            return client;
        }
        assert_eq!(line, TOO_MANY_FROM_ADDRESS);
    }
    panic!("the closed connection's slot was never freed");
}

/// Connections that never send an ID cannot lock people out. Three addresses open 16 each, within
/// `--max-per-address`, against `--max-clients 40` (the proportions of 63 addresses x 16 against
/// the default 1,000): once the room is full, each newcomer takes the place of the oldest
/// connection still choosing an ID, which is told why and closed. So a person from a fourth
/// address, then one from 127.0.0.1, each join, while the attackers' newest connections wait on.
#[test]
fn idle_handshakes_give_their_places_to_people() {
    let max_clients = 40;
    let server = start_server_with(Config {
        max_clients,
        ..test_config()
    });
    let addr = server.local_addr();
    let mut idle: Vec<Client> = (2..=4)
        .flat_map(|n| (0..16).map(move |_| IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))))
        .map(|local| {
            let mut client = Client::connect_from(local, addr);
            client.expect(ID_PROMPT);
            client
        })
        .collect();
    let mut newest = idle.split_off(idle.len() - max_clients);
    for made_room in idle {
        expect_closed_to_make_room(made_room);
    }

    let mut person = Client::connect_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5)), addr);
    person.expect(ID_PROMPT);
    person.send("Person");
    person.expect("** No other users in chat **");
    expect_closed_to_make_room(newest.remove(0));
    let _local = Client::join_seen_by(addr, "Local", &mut [&mut person]);
    expect_closed_to_make_room(newest.remove(0));
    assert_eq!(person.users(), ["Person", "Local"]);
}

fn expect_closed_to_make_room(mut client: Client) {
    client.expect(CLOSED_TO_MAKE_ROOM);
    client.expect_closed();
}
