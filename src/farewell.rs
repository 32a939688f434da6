//! Farewells: the last bytes owed to members who are leaving, sent for a bounded time, after which
//! the broadcaster lets go of their sockets.
//!
//! Go counterpart: none. The Go original writes a leaving client nothing, and at a stop it simply
//! exits. Here a member who leaves still gets what it was owed (the answer to a `/users` just
//! before its `/quit`), a member shed for holding the room's memory gets one line saying why,
//! and at a stop everyone gets `** Server is shutting down **`. Each of those goes out like every
//! other line, without waiting, and only until a deadline: a farewell to a member who does not
//! read can hold nobody up, neither the room nor the stop.
//!
//! Only the broadcaster touches farewells, as it does the send queues they come from.

use crate::drop_rules::{Failure, Limits};
use crate::send_queue::SendQueue;
use std::time::Instant;

/// One leaving member's last bytes.
struct Farewell {
    /// For the log, should the deadline pass first.
    id: String,
    queue: SendQueue,
    deadline: Instant,
}

/// Every farewell under way.
#[derive(Default)]
pub struct Farewells {
    under_way: Vec<Farewell>,
}

impl Farewells {
    /// Sends `queue`'s bytes until they are all taken or `deadline` passes, then drops the queue's
    /// handle on the socket, which closes once its client thread has ended too.
    pub fn add(&mut self, id: String, queue: SendQueue, deadline: Instant) {
        self.under_way.push(Farewell {
            id,
            queue,
            deadline,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.under_way.is_empty()
    }

    /// Sends what each socket takes now, lets go of those that took everything or are out of
    /// time, and returns the IDs of those whose time ran out first.
    pub fn flush(&mut self, limits: &Limits, now: Instant) -> Vec<String> {
        let mut late = Vec::new();
        self.under_way.retain_mut(|farewell| {
            // Only the deadline ends a farewell early; a broken connection is as done as one
            // that took everything.
            let broken = matches!(farewell.queue.flush(limits, now), Err(Failure::Broken(_)));
            let done = broken || farewell.queue.is_empty();
            let late_now = !done && now >= farewell.deadline;
            if late_now {
                late.push(std::mem::take(&mut farewell.id));
            }
            !(done || late_now)
        });
        late
    }
}
