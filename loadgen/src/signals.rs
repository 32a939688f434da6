//! What every client and sender thread shares with the coordinator: the clock, the one channel
//! they report on, the two gates that start and end the run, and the size of their stacks.
//!
//! Kept apart from [`crate::client`] and [`crate::sender`] because both use it: a reading client
//! starts its sender, so `client` sits above `sender`, and both sit above this file.

use crate::clock::Clock;
use crate::inbox::Tally;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// Stack size of every client and sender thread. Their deepest call is a line read into a heap
/// buffer, so 128 KiB is plenty and ten thousand of them reserve 1.25 GB of address space
/// (touching far less) instead of the default's 20 GB.
pub const THREAD_STACK: usize = 128 * 1024;

/// What a client and its sender tell the coordinator, in the order it happens.
pub enum Progress {
    /// The client got its user list, at this clock reading.
    Joined(u64),
    /// The client knows every other member of the run.
    Ready,
    /// A sender is done (or gave up): how many messages it wrote.
    Sent(u64),
    /// The client's last word: what it counted, and why it stopped early, if it did.
    Finished(Box<Tally>, Option<String>),
}

/// The signals every client and sender thread shares with the coordinator.
#[derive(Clone)]
pub struct Signals {
    pub clock: Arc<Clock>,
    pub progress: Sender<Progress>,
    /// Never sent on: the coordinator drops its end to let every sender start at the same moment.
    pub start: Receiver<()>,
    /// Likewise dropped at the end of the run, which lets every client close its connection.
    pub finish: Receiver<()>,
}
