//! Order and completeness under concurrency: several senders at once, a stress load, and churn.

mod common;

use common::{Client, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::TOO_MANY_ID_REJECTIONS;
use std::collections::{BTreeSet, HashMap};
use std::thread;
use std::time::Duration;

/// These tests are about order, not slow consumers: a loaded CI machine may leave a test's reader
/// thread unscheduled for a while, and that must not get it dropped. They send at full speed,
/// far above any person's rate, so pacing is off (`--max-rate 0`).
fn patient_config() -> Config {
    Config {
        write_timeout: Duration::from_secs(30),
        max_rate: 0,
        ..test_config()
    }
}

/// Joins `count` clients named `{prefix}{i}`, each having seen all the joins after its own, so the
/// room is settled when this returns.
fn join_many(addr: std::net::SocketAddr, prefix: &str, count: usize) -> Vec<Client> {
    let mut clients: Vec<Client> = Vec::new();
    for i in 0..count {
        let mut others: Vec<&mut Client> = clients.iter_mut().collect();
        let client = Client::join_seen_by(addr, &format!("{prefix}{i}"), &mut others);
        clients.push(client);
    }
    clients
}

/// Every client sends `per_client` numbered messages and reads everything the others send.
/// Returns, per client, the chat lines it received in order.
fn everyone_talks(clients: Vec<Client>, per_client: usize) -> Vec<Vec<String>> {
    let expected = (clients.len() - 1) * per_client;
    let workers: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut client)| {
            thread::spawn(move || {
                for n in 0..per_client {
                    client.send(&format!("{i}:{n}"));
                }
                (0..expected)
                    .map(|_| client.read_line())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    workers
        .into_iter()
        .map(|w| w.join().expect("a client thread panicked"))
        .collect()
}

/// 30 clients x 100 messages: every message reaches each other client exactly once, and each
/// sender's messages arrive in the order they were sent.
#[test]
fn stress_every_message_delivered_once_in_sender_order() {
    let server = start_server_with(patient_config());
    let clients = join_many(server.local_addr(), "u", 30);
    let received = everyone_talks(clients, 100);
    for (me, lines) in received.iter().enumerate() {
        let mut next_from: HashMap<usize, usize> = HashMap::new();
        for line in lines {
            let (from, n) = parse_numbered(line);
            assert_ne!(from, me, "u{me} received its own message {line}");
            let expected = next_from.entry(from).or_insert(0);
            assert_eq!(
                n, *expected,
                "u{me}: out of order or duplicate from u{from}"
            );
            *expected += 1;
        }
        assert_eq!(next_from.len(), 29);
        assert!(next_from.values().all(|&count| count == 100));
    }
}

/// With several senders at once, any two clients see the messages they share in the same order:
/// the broadcaster imposes one global order.
#[test]
fn any_two_clients_see_shared_messages_in_the_same_order() {
    let server = start_server_with(patient_config());
    let clients = join_many(server.local_addr(), "u", 6);
    let received = everyone_talks(clients, 200);
    for a in 0..received.len() {
        for b in a + 1..received.len() {
            let in_a: BTreeSet<&String> = received[a].iter().collect();
            let in_b: BTreeSet<&String> = received[b].iter().collect();
            let a_view: Vec<_> = received[a].iter().filter(|l| in_b.contains(l)).collect();
            let b_view: Vec<_> = received[b].iter().filter(|l| in_a.contains(l)).collect();
            assert_eq!(a_view, b_view, "u{a} and u{b} disagree on the order");
        }
    }
}

fn parse_numbered(line: &str) -> (usize, usize) {
    let body = line.split_once("]: ").expect("a chat line").1;
    let (from, n) = body.split_once(':').expect("i:n");
    (from.parse().unwrap(), n.parse().unwrap())
}

/// Users joining and leaving in a loop while a talker talks: the watcher sees each user's story
/// as joined, messages, left (never out of that order), and its view of the room, from its list
/// and the notices, ends equal to the server's `/users`.
#[test]
fn churn_keeps_every_story_in_order_and_membership_exact() {
    let server = start_server_with(patient_config());
    let addr = server.local_addr();
    let (mut watcher, list) = Client::join(addr, "watcher");
    assert_eq!(list, "** No other users in chat **");
    let mut talker = Client::join_seen_by(addr, "talker", &mut [&mut watcher]);

    let churners: Vec<_> = (0..4)
        .map(|t| thread::spawn(move || churn(addr, t)))
        .collect();
    for n in 0..300 {
        talker.send(&format!("talk {n}"));
    }
    for churner in churners {
        churner.join().expect("a churner panicked");
    }

    let mut view = RoomView::new(&["watcher", "talker"]);
    watcher.send("/users");
    let final_list = loop {
        let line = watcher.read_line();
        if let Some(names) = line.strip_prefix("** Users in chat: ") {
            break names.trim_end_matches(" **").to_string();
        }
        view.apply(&line);
    };
    let listed: BTreeSet<&str> = final_list.split(", ").collect();
    let viewed: BTreeSet<&str> = view.present.iter().map(String::as_str).collect();
    assert_eq!(viewed, listed);
    assert!(
        view.messages_seen > 0,
        "the watcher saw chat during the churn"
    );
}

/// One churning thread: joins as `c{t}`, talks, leaves by `/quit` or by hanging up, and now and
/// then gives up during the handshake.
fn churn(addr: std::net::SocketAddr, t: usize) {
    for round in 0..15 {
        let (mut me, _) = Client::join(addr, &format!("c{t}"));
        for k in 0..3 {
            me.send(&format!("c{t} round {round} line {k}"));
        }
        if round % 2 == 0 {
            me.send("/quit");
            // The server closes only after the broadcaster has handled the leave, so the name is
            // free for the next round.
            me.skip_chat_until_closed();
        } else {
            drop(me);
            // A hang-up frees the name a little later; retry until it is free.
            wait_until_free(addr, &format!("c{t}"));
        }
        if round % 5 == 0 {
            let mut shy = Client::connect(addr);
            shy.send("no spaces allowed");
        }
    }
}

/// Joins as `id` as soon as the name is free, then leaves at once. A connection is closed after
/// ten rejected IDs; the probe then connects again.
fn wait_until_free(addr: std::net::SocketAddr, id: &str) {
    let mut probe = Client::connect(addr);
    for _ in 0..1000 {
        probe.send(id);
        let answer = probe.read_line();
        if answer.starts_with("** ") {
            probe.send("/quit");
            probe.skip_chat_until_closed();
            return;
        }
        assert_eq!(answer, format!("ID '{id}' is already taken"));
        let next = probe.read_line();
        if next != "Enter your ID:" {
            assert_eq!(next, TOO_MANY_ID_REJECTIONS);
            probe = Client::connect(addr);
        }
    }
    panic!("{id} was never freed");
}

/// The watcher's idea of who is in the room, built only from what it receives, checking each
/// user's story as it goes.
struct RoomView {
    present: BTreeSet<String>,
    messages_seen: usize,
}

impl RoomView {
    fn new(initial: &[&str]) -> RoomView {
        RoomView {
            present: initial.iter().map(|s| s.to_string()).collect(),
            messages_seen: 0,
        }
    }

    fn apply(&mut self, line: &str) {
        if let Some(name) = line
            .strip_prefix("User ")
            .and_then(|r| r.strip_suffix(" joined the chat"))
        {
            assert!(self.present.insert(name.to_string()), "{name} joined twice");
        } else if let Some(name) = line
            .strip_prefix("User ")
            .and_then(|r| r.strip_suffix(" left the chat"))
        {
            assert!(
                self.present.remove(name),
                "{name} left without having joined"
            );
        } else if let Some(rest) = line.strip_prefix('[') {
            let name = rest.split_once("]: ").expect("a chat line").0;
            assert!(
                self.present.contains(name),
                "a message from {name}, who is not in the room"
            );
            self.messages_seen += 1;
        } else {
            panic!("unexpected line {line:?}");
        }
    }
}
