//! A classroom LAN of the test's own: the calling thread moves into a new network namespace whose
//! loopback carries Ethernet-sized segments (MTU 1500) instead of 64 KiB ones.
//!
//! Why: on the host's loopback the kernel absorbs megabytes per socket in 64 KiB segments, which
//! hides what slow readers, backlogs and vanished peers do on a real network. A test that depends
//! on buffering runs here instead.
//!
//! How: `unshare(CLONE_NEWNET)` moves only the calling thread (each test runs on its own thread),
//! and everything it starts afterwards inherits the namespace: an in-process server's threads, and
//! the `client` binary or any other process it spawns. Other tests in the same binary stay on the
//! host's loopback. It needs root (`CAP_SYS_ADMIN`), as in CI; elsewhere [`enter`] prints
//! `skipped: needs root for a network namespace` and the test returns early.

use std::process::Command;

/// Ethernet's MTU: the segment size of a classroom network.
pub const ETHERNET_MTU: u32 = 1500;

/// Proof that the current thread is inside its own namespace with loopback at `mtu`.
pub struct Lan {
    pub mtu: u32,
}

/// Moves the calling thread into a fresh network namespace, brings its loopback up at `mtu`, and
/// returns the proof; or prints why it cannot and returns `None`, for the test to return.
pub fn enter(mtu: u32) -> Option<Lan> {
    // SAFETY: unshare takes a flag word and touches no memory of ours.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        let why = std::io::Error::last_os_error();
        println!("skipped: needs root for a network namespace (unshare: {why})");
        return None;
    }
    ip(&["link", "set", "lo", "up", "mtu", &mtu.to_string()]);
    Some(Lan { mtu })
}

/// Runs `ip ARGS` inside the namespace (a child process inherits the calling thread's), and
/// fails the test if it fails: a half-made network would make any result meaningless.
pub fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().unwrap_or_else(|e| {
        panic!(
            "running ip {}: {e} (apt-get install iproute2)",
            args.join(" ")
        )
    });
    assert!(status.success(), "ip {} failed: {status}", args.join(" "));
}

/// The loopback's MTU as the kernel reports it, to check that the namespace is the one made.
pub fn loopback_mtu() -> u32 {
    let output = Command::new("ip")
        .args(["-o", "link", "show", "lo"])
        .output()
        .expect("running ip link show lo");
    let text = String::from_utf8_lossy(&output.stdout);
    let after = text
        .split(" mtu ")
        .nth(1)
        .unwrap_or_else(|| panic!("no mtu in: {text}"));
    after
        .split_whitespace()
        .next()
        .and_then(|mtu| mtu.parse().ok())
        .unwrap_or_else(|| panic!("unreadable mtu in: {text}"))
}
