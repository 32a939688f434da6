//! The stall-and-reconnect loop (`--churn K --churn-every SECONDS`, issue 24's memory
//! measurement): every SECONDS, K new members join, paste 50 lines of 4,000 bytes and never
//! read, until the server drops them; new ones keep coming while the healthy senders send.
//!
//! What it measures is the server's memory: each member fills its queues with the room's
//! traffic before the server drops it, and the next wave arrives before the last one's memory
//! is given back (or not). Run it with `--server-pid` for the peak and `--quiet` for what is
//! left afterwards.
//!
//! Threads: `churn` starts one `churn-<n>` thread per member, which connects, writes its ID and
//! its paste, and ends, handing its socket back as its result. The sockets stay open (unread)
//! until the attack is over and `churn` joins the threads, so a member never leaves by itself.
//! NOTE: a member never reads, so loadgen cannot tell when the server dropped it; only the
//! server's log (or its memory) says.

use crate::attack_args::AttackOptions;
use crate::attack_shared::{self, Shared};
use crate::attack_tally::Counts;
use crate::clock::POLL;
use crate::signals::THREAD_STACK;
use crate::source;
use crate::trickle::{CONNECT_TIMEOUT, LINE_BYTES};
use std::io;
use std::net::{IpAddr, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// Lines each member pastes at once: the classroom paste of issue 24, 200 KB, which the
/// server's `--burst` (50 lines) takes without pacing.
pub const PASTE_LINES: usize = 50;

/// Starts the `churn` thread.
pub fn spawn(options: &AttackOptions, shared: Arc<Shared>) -> io::Result<JoinHandle<()>> {
    let options = options.clone();
    thread::Builder::new()
        .name("churn".into())
        .stack_size(THREAD_STACK)
        .spawn(move || run(&options, &shared))
}

/// Starts a wave of members every `--churn-every`, from the first moment on, until the attack
/// is over; then closes all their connections at once.
fn run(options: &AttackOptions, shared: &Arc<Shared>) {
    let began = Instant::now();
    let mut members: Vec<JoinHandle<Option<TcpStream>>> = Vec::new();
    for wave in 0u32.. {
        let due = began + options.churn_every * wave;
        if !shared.nap(due.saturating_duration_since(Instant::now())) {
            break;
        }
        for k in 0..options.churn {
            let n = wave as usize * options.churn + k;
            let local = source::pick(&options.attack_from, n);
            match spawn_member(n, local, Arc::clone(shared)) {
                Ok(member) => members.push(member),
                Err(_) => Counts::add(&shared.counts.refused),
            }
        }
    }
    // Dropping each result closes that member's socket.
    members.into_iter().for_each(|member| drop(member.join()));
}

fn spawn_member(
    n: usize,
    local: IpAddr,
    shared: Arc<Shared>,
) -> io::Result<JoinHandle<Option<TcpStream>>> {
    thread::Builder::new()
        .name(format!("churn-{n}"))
        .stack_size(THREAD_STACK)
        .spawn(move || member(n, local, &shared))
}

/// Connects, sends the ID without waiting for the prompt (as `--stalled` clients do) and the
/// paste; returns the socket, never read, for `churn` to hold.
fn member(n: usize, local: IpAddr, shared: &Shared) -> Option<TcpStream> {
    let connected = source::connect_from(local, shared.addr, None, CONNECT_TIMEOUT)
        .and_then(|stream| stream.set_write_timeout(Some(POLL)).map(|()| stream));
    let Ok(stream) = connected else {
        Counts::add(&shared.counts.refused);
        return None;
    };
    let mut paste = format!("{}k{n}\n", shared.prefix);
    let line = format!("{}\n", "x".repeat(LINE_BYTES));
    paste.push_str(&line.repeat(PASTE_LINES));
    if attack_shared::write_unless_over(&stream, paste.as_bytes(), shared).is_ok() {
        Counts::add(&shared.counts.pasted);
    }
    Some(stream)
}
