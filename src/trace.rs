//! `server --trace`: besides the `[SERVER]` log, one line per step in the life of a message, each
//! prefixed by the name of the thread that took it, so a student can watch the threads work:
//!
//! ```text
//! [acceptor] 127.0.0.1:50312 connected; started thread client-127.0.0.1:50312
//! [client-127.0.0.1:50312] read "Hello!" -> Said
//! [broadcaster] batch of 1 event -> 2 sends, 42 bytes
//! ```
//!
//! Go counterpart: none; the original prints only joins and leaves.
//!
//! Free when off: each step is a closure that builds its line, and [`Trace::step`] calls it only
//! when tracing is on, so a server without `--trace` formats nothing and pays one branch per step.
//! Bounded when on: the lines go through the [`crate::logger`] queue without waiting, like every
//! log line, so a room flood cannot make the trace the bottleneck. When the output cannot keep up,
//! lines are dropped and counted (`[SERVER] N log lines were dropped ...`), never waited for; and
//! the broadcaster traces a batch, not each of its sends.

use crate::logger::Log;
use std::thread;

/// The longest part of a chat line quoted in a `read` step; a trace line stays one screen line.
pub const QUOTE_CHARS: usize = 40;

/// A handle on the trace, cloned into the acceptor, every client thread and the broadcaster.
#[derive(Clone)]
pub struct Trace {
    /// `None` when tracing is off.
    log: Option<Log>,
}

impl Trace {
    /// Traces into `log` when `on`; otherwise does nothing, cheaply.
    pub fn new(on: bool, log: &Log) -> Trace {
        Trace {
            log: on.then(|| log.clone()),
        }
    }

    /// Tracing is off: every step is skipped.
    pub fn off() -> Trace {
        Trace { log: None }
    }

    pub fn is_on(&self) -> bool {
        self.log.is_some()
    }

    /// Logs the line that `step` builds, after the calling thread's name; `step` is not even
    /// called when tracing is off.
    pub fn step(&self, step: impl FnOnce() -> String) {
        if let Some(log) = &self.log {
            let current = thread::current();
            log.line(format!("[{}] {}", current.name().unwrap_or("main"), step()));
        }
    }
}

/// `text` in double quotes, cut to [`QUOTE_CHARS`] characters with `...` after a cut.
pub fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let shown: String = chars.by_ref().take(QUOTE_CHARS).collect();
    let cut = if chars.next().is_some() { "..." } else { "" };
    format!("{shown:?}{cut}")
}

/// `1 event`, `3 events`: counts read as English in a trace line.
pub fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_and_counts_agree() {
        assert_eq!(quote("Hello!"), "\"Hello!\"");
        assert_eq!(quote(&"x".repeat(41)), format!("\"{}\"...", "x".repeat(40)));
        assert_eq!(count(1, "event"), "1 event");
        assert_eq!(count(3, "send"), "3 sends");
    }

    #[test]
    fn an_untraced_step_is_never_built() {
        Trace::off().step(|| panic!("a step was formatted with tracing off"));
        assert!(!Trace::off().is_on());
    }
}
