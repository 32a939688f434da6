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
//! host's loopback. A [`Laptop`] is a second machine on that network, whose link a test can cut.
//! It all needs root (`CAP_SYS_ADMIN`), as in CI; elsewhere [`enter`] prints
//! `skipped: needs root for a network namespace` and the test returns early.

use std::net::TcpStream;
use std::process::Command;
use std::sync::mpsc;
use std::thread;

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

/// The laptop's end of its link, named inside its own namespace.
const LAPTOP_LINK: &str = "laptop0";
/// The room's end of the link, in the test's namespace.
const ROOM_LINK: &str = "room0";
/// The room's address on the link: the server must listen on it (or on 0.0.0.0).
pub const ROOM_ADDRESS: &str = "10.23.0.1";
const LAPTOP_ADDRESS: &str = "10.23.0.2";

/// One job for the laptop's thread.
type Task = Box<dyn FnOnce() + Send>;

/// A second machine on the classroom network: a thread in a namespace of its own, joined to the
/// test's by a veth pair (an Ethernet cable, MTU 1500). Its link can be cut without a word to
/// anyone ([`Laptop::vanish`]), as when a lid closes or the Wi-Fi goes: the room's packets to it
/// are then dropped, and no FIN or reset ever comes back.
pub struct Laptop {
    tasks: Option<mpsc::Sender<Task>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Laptop {
    /// Plugs a laptop into the test's namespace (`_lan` proves the test is in one); or prints why
    /// it cannot (a kernel or container without veth) and returns `None`, for the test to return.
    pub fn plug_in(_lan: &Lan) -> Option<Laptop> {
        let (tasks, inbox) = mpsc::channel::<Task>();
        let (ready, its_thread) = mpsc::channel();
        let thread = thread::spawn(move || {
            // SAFETY: as in `enter`.
            let entered = unsafe { libc::unshare(libc::CLONE_NEWNET) } == 0;
            // SAFETY: gettid takes no arguments and cannot fail.
            let tid = unsafe { libc::gettid() };
            ready.send(entered.then_some(tid)).expect("the test waits");
            inbox.iter().for_each(|task| task());
        });
        let tid = its_thread
            .recv()
            .expect("the laptop's thread starts")
            .expect("a second namespace (the test already has root)");
        let laptop = Laptop {
            tasks: Some(tasks),
            thread: Some(thread),
        };
        let cable = [
            "link",
            "add",
            ROOM_LINK,
            "type",
            "veth",
            "peer",
            "name",
            LAPTOP_LINK,
        ];
        if !Command::new("ip")
            .args(cable)
            .status()
            .is_ok_and(|s| s.success())
        {
            println!("skipped: cannot make a veth pair (ip {})", cable.join(" "));
            return None;
        }
        ip(&["link", "set", LAPTOP_LINK, "netns", &tid.to_string()]);
        ip(&[
            "addr",
            "add",
            &format!("{ROOM_ADDRESS}/24"),
            "dev",
            ROOM_LINK,
        ]);
        ip(&["link", "set", ROOM_LINK, "up"]);
        laptop.run(|| {
            ip(&["link", "set", "lo", "up"]);
            ip(&[
                "addr",
                "add",
                &format!("{LAPTOP_ADDRESS}/24"),
                "dev",
                LAPTOP_LINK,
            ]);
            ip(&["link", "set", LAPTOP_LINK, "up"]);
        });
        Some(laptop)
    }

    /// Runs `task` on the laptop's thread, inside its namespace, and returns what it returns.
    /// A socket made there stays on the laptop's network wherever it is used afterwards.
    pub fn run<T: Send + 'static>(&self, task: impl FnOnce() -> T + Send + 'static) -> T {
        let (result, outcome) = mpsc::channel();
        let job: Task = Box::new(move || {
            // NOTE: ignoring errors: the test that waits for this has already failed.
            let _ = result.send(task());
        });
        let tasks = self.tasks.as_ref().expect("the laptop is running");
        tasks.send(job).expect("the laptop's thread is running");
        outcome.recv().expect("the laptop's task panicked")
    }

    /// Connects to the room's server at `port`, from the laptop.
    pub fn connect(&self, port: u16) -> TcpStream {
        self.run(move || {
            TcpStream::connect((ROOM_ADDRESS, port)).expect("connecting over the laptop's link")
        })
    }

    /// Cuts the laptop's link: from now on, nothing the room sends reaches it, and it sends
    /// nothing back.
    pub fn vanish(&self) {
        self.run(|| ip(&["link", "set", LAPTOP_LINK, "down"]));
    }
}

impl Drop for Laptop {
    fn drop(&mut self) {
        // Closing the task channel ends the thread; its namespace goes with it.
        self.tasks = None;
        if let Some(thread) = self.thread.take() {
            // NOTE: ignoring a panic here: the test has failed already and says why.
            let _ = thread.join();
        }
    }
}
