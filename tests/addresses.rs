//! What counts as one address for `--max-per-address` and `--max-connects-per-minute`: an IPv6
//! address by its /64, an exempt address however it is written, and a reconnect loop by the
//! minute.

mod common;

use common::{Client, lan, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::TOO_MANY_FROM_ADDRESS;
use std::net::{IpAddr, SocketAddr};

const OTHER_MACHINE: &str = "127.0.0.2";

/// One address reconnecting in a loop gets `--max-connects-per-minute` connections, then one
/// line saying when to come back, and is closed; the loopback, exempt, is never throttled.
#[test]
fn a_reconnect_loop_is_told_when_to_come_back_and_closed() {
    let server = start_server_with(Config {
        max_connects_per_minute: 3,
        ..test_config()
    });
    let addr = server.local_addr();
    let other: IpAddr = OTHER_MACHINE.parse().unwrap();
    for _ in 0..3 {
        let mut client = Client::connect_from(other, addr);
        client.expect("Enter your ID:");
    }
    let mut throttled = Client::connect_from(other, addr);
    let line = throttled.read_line();
    let seconds: u64 = line
        .strip_prefix("** Too many new connections from your address; try again in ")
        .and_then(|rest| rest.strip_suffix(" s **"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    assert!((1..=60).contains(&seconds), "{line}");
    throttled.expect_closed();
    for _ in 0..10 {
        Client::connect(addr);
    }
}

/// `--exempt ::ffff:127.0.0.2` exempts 127.0.0.2: the exempt list is normalised as the peer is.
#[test]
fn an_exempt_address_written_as_mapped_ipv6_is_exempt() {
    let server = start_server_with(Config {
        exempt: vec!["::ffff:127.0.0.2".parse().unwrap()],
        max_per_address: 1,
        max_connects_per_minute: 1,
        ..test_config()
    });
    let other: IpAddr = OTHER_MACHINE.parse().unwrap();
    let _held: Vec<Client> = (0..3)
        .map(|_| {
            let mut client = Client::connect_from(other, server.local_addr());
            client.expect("Enter your ID:");
            client
        })
        .collect();
}

/// Sixteen connections from sixteen addresses of one IPv6 /64 fill that network's share; the
/// seventeenth, from yet another address of it, is refused, while another /64 still gets in.
/// Needs addresses of our own, so it runs in a network namespace (root), else is skipped.
#[test]
fn ipv6_addresses_count_by_their_64() {
    let Some(_lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    let host = |n: u32| format!("2001:db8:0:1::{n:x}");
    for n in 1..=17 {
        lan::ip(&[
            "-6",
            "addr",
            "add",
            &format!("{}/64", host(n)),
            "dev",
            "lo",
            "nodad",
        ]);
    }
    lan::ip(&[
        "-6",
        "addr",
        "add",
        "2001:db8:0:2::1/64",
        "dev",
        "lo",
        "nodad",
    ]);
    let server = start_server_with(Config {
        addr: format!("[{}]:0", host(1)),
        ..test_config()
    });
    let addr: SocketAddr = server.local_addr();
    let _held: Vec<Client> = (1..=16)
        .map(|n| {
            let mut client = Client::connect_from(host(n).parse().unwrap(), addr);
            client.expect("Enter your ID:");
            client
        })
        .collect();
    let mut refused = Client::connect_from(host(17).parse().unwrap(), addr);
    refused.expect(TOO_MANY_FROM_ADDRESS);
    let mut other_network = Client::connect_from("2001:db8:0:2::1".parse().unwrap(), addr);
    other_network.expect("Enter your ID:");
}
