//! Ctrl-C (SIGINT), SIGTERM and SIGHUP stop the server gracefully: every client is told
//! `** Server is shutting down **` before its connection closes. A second signal while shutting
//! down ends the process at once, for when something hangs.
//!
//! Go counterpart: none. The original never calls `signal.Notify`, so Ctrl-C kills it and its
//! clients only see the connection drop. Here the `signal-hook` crate turns each signal into an
//! item of an iterator, read by a thread of our own named `signals`; that thread only starts the
//! shutdown through a [`Stopper`], while the main thread waits in [`crate::Server::wait`].
//!
//! Two rules, each learnt from a way a stop went wrong:
//! - **Stop first, and print nothing here.** The line that says the server is stopping goes
//!   through the logger (the acceptor logs it). A handler that wrote to standard output itself
//!   stuck in that write whenever the output was blocked (a terminal paused with Ctrl-S), and
//!   SIGTERM then did nothing.
//! - **SIGHUP is left alone when it was ignored at start.** `nohup server &` starts the server with
//!   SIGHUP ignored, so that it outlives its terminal; installing a handler over that would stop
//!   it when the terminal closes. Otherwise SIGHUP (the terminal went away) is a stop like the others.

use crate::server::Stopper;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io;
use std::thread;

/// The exit code after a second signal: 128 plus SIGINT's number, what a shell reports for a
/// program that Ctrl-C ended.
pub const FORCED_EXIT_CODE: i32 = 130;

/// Starts the `signals` thread for the whole process (once).
pub fn stop_on_signals(stopper: Stopper) -> io::Result<()> {
    let mut handled = vec![SIGINT, SIGTERM];
    if !ignored_at_start(SIGHUP) {
        handled.push(SIGHUP);
    }
    let signals = Signals::new(&handled)?;
    thread::Builder::new()
        .name("signals".to_string())
        .spawn(move || stop_on_first(signals, stopper))?;
    Ok(())
}

/// The `signals` thread: the first signal starts the shutdown, the second ends the process.
fn stop_on_first(mut signals: Signals, stopper: Stopper) {
    let mut received = signals.forever();
    if received.next().is_some() {
        stopper.stop();
    }
    if received.next().is_some() {
        std::process::exit(FORCED_EXIT_CODE);
    }
}

/// Whether `signal` is ignored in this process, as `nohup` leaves SIGHUP.
fn ignored_at_start(signal: libc::c_int) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current one into `current`, a
    // zeroed sigaction that it fills in; nothing is changed.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}
