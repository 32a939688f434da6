//! A peer whose network vanishes (no FIN, no reset, nothing) loses its ID within `--peer-timeout`,
//! in a room that is busy enough that keepalive never probes. On a network namespace of the
//! test's own, with a second namespace for the laptop (see `tests/common/lan.rs`); needs root and
//! prints `skipped: ...` without it.

mod common;

use common::lan::{self, Laptop};
use common::numbered::{InOrder, talk_until_left};
use common::{Client, start_server_with, test_config};
use realtime_chat::{Config, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A laptop's network vanishes (its link is cut: no FIN, no reset, nothing) while a talker says
/// a line every 200 ms. Its send queue stays empty (the kernel's send buffer takes those lines,
/// so neither the write timeout nor the backlog rules see anything), and keepalive never probes
/// while data waits for an ACK. `TCP_USER_TIMEOUT` closes it once `--peer-timeout` has passed,
/// and its ID is free again.
#[test]
fn a_vanished_laptop_loses_its_id_within_the_peer_timeout() {
    let Some(lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    let peer_timeout = Duration::from_secs(2);
    let server = start_server_with(Config {
        addr: "0.0.0.0:0".to_string(),
        peer_timeout,
        // Far beyond the test: only the peer timeout can free the ID.
        write_timeout: Duration::from_secs(600),
        ..test_config()
    });
    let addr = loopback(&server);
    let (mut observer, _) = Client::join(addr, "observer");
    let mut talker = Client::join_seen_by(addr, "talker", &mut [&mut observer]);
    let Some(laptop) = Laptop::plug_in(&lan) else {
        return;
    };
    let mut link = laptop.connect(addr.port());
    join_from(&mut link, "laptop");
    observer.expect("User laptop joined the chat");
    talker.expect("User laptop joined the chat");

    laptop.vanish();
    let vanished = Instant::now();
    let mut in_order = InOrder::default();
    let pace = Duration::from_millis(200);
    talk_until_left(&mut talker, &mut observer, "laptop", &mut in_order, pace);
    let freed_after = vanished.elapsed();
    assert!(
        freed_after < peer_timeout * 3,
        "the ID was freed only after {freed_after:?}"
    );
    in_order.take(&observer.read_line());
    let (_again, _) = Client::join(addr, "laptop");
    observer.expect("User laptop joined the chat");
}

/// The server's port on loopback, for a server listening on every address of the namespace.
fn loopback(server: &Server) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], server.local_addr().port()))
}

/// Joins as `id` over a raw socket: reads the prompt, sends the ID, reads the user list.
fn join_from(link: &mut TcpStream, id: &str) {
    link.set_read_timeout(Some(common::LINE_TIMEOUT)).unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"Enter your ID:\n") {
        link.read_exact(&mut byte).expect("the ID prompt");
        seen.push(byte[0]);
    }
    link.write_all(format!("{id}\n").as_bytes()).unwrap();
    seen.clear();
    while !seen.ends_with(b"\n") {
        link.read_exact(&mut byte).expect("the user list");
        seen.push(byte[0]);
    }
    assert!(seen.starts_with(b"** Current users"), "{seen:?}");
}
