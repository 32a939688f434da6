//! Outboxes: the bytes each member is owed from the batch being applied, filled under the room's
//! lock and taken out of it whole (as [`crate::room::Delivery`]), so that they are written with no lock held.
//!
//! Go counterpart: none. The Go original writes each line to each socket while it holds `mu`, so
//! one slow socket holds up the room; here the lock only ever covers appending to a buffer.

use crate::buffer_pool::BufferPool;

/// What the outboxes of one batch share: how many bytes they hold together, and the emptied
/// buffers that new outboxes are made from. Each member's own outbox is a `Vec<u8>` in its
/// [`crate::room::Member`], so appending a line costs no lookup beyond the member's own.
#[derive(Default)]
pub struct Outboxes {
    /// Bytes waiting in all outboxes together, so the broadcaster can end a batch that grows large.
    queued_bytes: usize,
    /// Emptied buffers the broadcaster handed back ([`Outboxes::recycle`]), used for new outboxes.
    pool: BufferPool,
}

impl Outboxes {
    /// Appends `line` and its newline to `outbox`, which gets a buffer from the pool if it has
    /// none yet.
    pub fn append(&mut self, outbox: &mut Vec<u8>, line: &str) {
        if outbox.capacity() == 0 {
            *outbox = self.pool.take();
        }
        outbox.extend_from_slice(line.as_bytes());
        outbox.push(b'\n');
        self.queued_bytes += line.len() + 1;
    }

    /// How many bytes wait in all outboxes together.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Called once every outbox has been taken: nothing waits any more.
    pub fn all_taken(&mut self) {
        self.queued_bytes = 0;
    }

    /// Takes back the buffers the broadcaster has emptied, for the next outboxes.
    pub fn recycle(&mut self, spare: &mut BufferPool) {
        self.pool.absorb(spare);
    }
}
