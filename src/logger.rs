//! The `logger` thread: the only place the server's log is written, so that a blocked or closed
//! output can never stop the room.
//!
//! Go counterpart: the original's `fmt.Println` and `log.Println`, called from the goroutine that
//! has something to say. A write to standard output can block (a terminal paused with Ctrl-S, a
//! pipe nobody reads) or fail (a closed pipe, as in `server | head -1`). Called from the
//! broadcaster, the first freezes the room and the second, with Rust's `println!`, panics and kills
//! the broadcaster. So here the broadcaster and the acceptor hand each line to this thread with a
//! `try_send` that never waits ([`Log::line`]); when the queue is full, the line is dropped and
//! counted, and the logger says how many were lost once the output moves again. A failed write is
//! ignored: the room matters more than its log.

use crate::protocol;
use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{self, JoinHandle};

/// How many log lines may wait for the output. A terminal or a file takes lines about as fast as
/// they come, so this fills only while the output is blocked, or while the logger thread cannot
/// get a core: in a join storm of 10,000 clients on 2 cores, a queue of 2,048 lost a few thousand
/// join lines even on the way to a file (measured). 16,384 lines cover such a storm; the queue's
/// slots take 512 KiB, and the lines in it about 1 MiB at most.
pub const LOG_QUEUE: usize = 16_384;

/// Where log lines go: standard output, and standard error for errors. Tests pass
/// [`LogSink::discard`] so an in-process server does not write over the test runner's output.
pub struct LogSink {
    pub out: Box<dyn Write + Send>,
    pub err: Box<dyn Write + Send>,
}

impl LogSink {
    pub fn stdio() -> LogSink {
        LogSink {
            out: Box::new(io::stdout()),
            err: Box::new(io::stderr()),
        }
    }

    pub fn discard() -> LogSink {
        LogSink {
            out: Box::new(io::sink()),
            err: Box::new(io::sink()),
        }
    }
}

/// One line for the log, and which stream it belongs on.
enum Entry {
    Info(String),
    Error(String),
}

/// A handle on the logger thread, held by the acceptor and the broadcaster. The thread ends once
/// every handle is dropped.
#[derive(Clone)]
pub struct Log {
    /// Bounded ([`LOG_QUEUE`]); only ever used with `try_send`, so logging never waits.
    lines: Sender<Entry>,
    /// Lines dropped because the queue was full, not yet reported. Shared with the logger thread,
    /// which reports and resets it once the output has taken the lines queued before them.
    dropped: Arc<AtomicU64>,
}

impl Log {
    /// Starts the `logger` thread writing to `sink`.
    pub fn start(sink: LogSink) -> io::Result<(Log, JoinHandle<()>)> {
        let (lines, queue) = crossbeam_channel::bounded(LOG_QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let handle = thread::Builder::new().name("logger".to_string()).spawn({
            let dropped = Arc::clone(&dropped);
            move || write_lines(queue, sink, &dropped)
        })?;
        Ok((Log { lines, dropped }, handle))
    }

    /// Queues a line for standard output, or drops and counts it if the output is blocked.
    pub fn line(&self, line: String) {
        self.queue(Entry::Info(line));
    }

    /// Queues a line for standard error, likewise without waiting.
    pub fn error(&self, line: String) {
        self.queue(Entry::Error(line));
    }

    fn queue(&self, entry: Entry) {
        match self.lines.try_send(entry) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            // NOTE: the logger thread is gone only if it panicked; the room goes on without a log.
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

/// The logger thread's body: write each line, ignoring failures, until every [`Log`] is gone.
fn write_lines(queue: Receiver<Entry>, mut sink: LogSink, dropped: &AtomicU64) {
    for entry in queue.iter() {
        // NOTE: ignoring errors: a closed pipe or terminal (EPIPE; Rust ignores SIGPIPE) or a full
        // disk loses the log, never the room.
        let _ = match entry {
            Entry::Info(line) => writeln!(sink.out, "{line}").and_then(|()| sink.out.flush()),
            Entry::Error(line) => writeln!(sink.err, "{line}").and_then(|()| sink.err.flush()),
        };
        if queue.is_empty() {
            report_dropped(&mut sink, dropped);
        }
    }
}

/// Once the lines queued before the drops are out, says how many lines were lost.
fn report_dropped(sink: &mut LogSink, dropped: &AtomicU64) {
    let lost = dropped.swap(0, Ordering::Relaxed);
    if lost > 0 {
        let line = protocol::log::lines_dropped(lost);
        let _ = writeln!(sink.out, "{line}").and_then(|()| sink.out.flush());
    }
}
