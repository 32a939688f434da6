//! Ctrl-C (SIGINT) and SIGTERM stop the server gracefully: every joined client is told
//! `** Server is shutting down **` before its connection closes. A second signal while shutting
//! down ends the process at once, for when something hangs.
//!
//! Go counterpart: none. The original never calls `signal.Notify`, so Ctrl-C kills it and its
//! clients only see the connection drop. The `ctrlc` crate runs the handler on a thread of its
//! own, so the handler may do anything a thread may: here, it only starts the shutdown through a
//! [`Stopper`], while the main thread waits in [`crate::Server::wait`].

use crate::protocol;
use crate::server::Stopper;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code after a second signal: 128 plus SIGINT's number, what a shell reports for a
/// program that Ctrl-C ended.
pub const FORCED_EXIT_CODE: i32 = 130;

/// Installs the handler for the whole process (once: a second call fails).
pub fn stop_on_signals(stopper: Stopper) -> Result<(), ctrlc::Error> {
    let signalled = AtomicBool::new(false);
    ctrlc::set_handler(move || {
        if signalled.swap(true, Ordering::SeqCst) {
            std::process::exit(FORCED_EXIT_CODE);
        }
        // In a terminal the line starts on a row of its own, not after the `^C` it echoed.
        let start = if io::stdout().is_terminal() { "\n" } else { "" };
        // NOTE: ignoring a failed write: a closed stdout must not stop the shutdown.
        let _ = writeln!(io::stdout(), "{start}{}", protocol::log::shutting_down());
        stopper.stop();
    })
}
