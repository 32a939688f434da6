//! The test network itself: a thread that enters a namespace gets loopback at MTU 1500 and can run
//! a room there, while the rest of the test binary stays on the host's loopback.

mod common;

use common::{lan, start_server};
use std::sync::mpsc;
use std::thread;

/// Inside: loopback is up at Ethernet's MTU, and a chat works over it.
#[test]
fn a_lan_has_ethernet_segments_and_carries_a_chat() {
    let Some(lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    assert_eq!(lan::loopback_mtu(), lan.mtu);
    let server = start_server();
    let (mut omar, mut ahmed) = common::omar_and_ahmed(server.local_addr());
    ahmed.send("Hello over Ethernet!");
    omar.expect("[Ahmed]: Hello over Ethernet!");
}

/// Only the thread that entered moves: a thread that was already running (as the other tests
/// are) still sees the host's loopback, and a thread started from inside sees the namespace's.
#[test]
fn only_the_entering_thread_moves() {
    let (go, wait) = mpsc::channel::<()>();
    let bystander = thread::spawn(move || {
        // An error means the test was skipped, and there is nothing to read.
        wait.recv().ok().map(|()| lan::loopback_mtu())
    });
    let Some(lan) = lan::enter(lan::ETHERNET_MTU) else {
        return;
    };
    go.send(()).expect("the bystander waits");
    let host_mtu = bystander.join().expect("reading the host's mtu");
    assert_ne!(host_mtu, Some(lan.mtu), "the host's loopback was changed");
    let inside = thread::spawn(lan::loopback_mtu)
        .join()
        .expect("reading the mtu");
    assert_eq!(inside, lan.mtu);
}
