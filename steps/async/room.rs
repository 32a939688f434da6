//! The room: who is in it, for the user list, and the broadcast channel that carries every
//! notice and message to every client's task. The mirror's `CLIENTS` and `BROADCAST` in one
//! value, passed to each task instead of kept in globals, so that a test can run several
//! servers in one process.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// Message is one line for every client but `from`, as in the mirror.
pub struct Message {
    pub from: String,
    pub text: String,
}

pub struct Room {
    /// The IDs of the clients in the room. The mirror's map holds each client's connection for
    /// the broadcaster to write to; here each client's own task writes to it, so the room needs
    /// only the names.
    ///
    /// std's `Mutex`, not tokio's: it is held for a few instructions and never across an
    /// `.await`, which is the case tokio's documentation gives for the std one. A task holding
    /// it across an `.await` could stall a worker thread and every task queued on it.
    ids: Mutex<HashSet<String>>,
    /// Every line, once; each client's task holds a receiver. `send` never waits: where the
    /// mirror's unbuffered channel makes a sender wait for the broadcaster, this one keeps the
    /// last `capacity` messages and lets a receiver that is further behind lose the oldest.
    /// Each message is an `Arc`, so a receiver's copy is a reference, not a new string.
    broadcast: broadcast::Sender<Arc<Message>>,
}

impl Room {
    pub fn new(capacity: usize) -> Room {
        Room {
            ids: Mutex::new(HashSet::new()),
            broadcast: broadcast::Sender::new(capacity),
        }
    }

    /// Adds `id` and returns the others' IDs, and a receiver of every message from now on.
    ///
    /// TASKS: the receiver is made under the same lock as the list, so every join that the
    /// list does not show has its notice in the receiver, after the list. The mirror's
    /// broadcaster could write a message before the newcomer's own thread wrote its list.
    pub fn join(&self, id: &str) -> (Vec<String>, broadcast::Receiver<Arc<Message>>) {
        let mut ids = self.ids();
        let others = ids.iter().cloned().collect();
        // NOTE: any ID is accepted, even empty, and a second "Omar" is one name in the list for
        // two clients; when either leaves, the name goes.
        ids.insert(id.to_string());
        (others, self.broadcast.subscribe())
    }

    pub fn leave(&self, id: &str) {
        self.ids().remove(id);
    }

    /// The IDs, locked. Every holder only reads or changes the set, which cannot panic halfway:
    /// the lock is never poisoned.
    fn ids(&self) -> MutexGuard<'_, HashSet<String>> {
        self.ids
            .lock()
            .expect("no task panics holding the room's lock")
    }

    /// Go's `broadcast <- Message{...}`, except that it never waits.
    pub fn say(&self, from: &str, text: String) {
        let message = Message {
            from: from.to_string(),
            text,
        };
        // An error means no receiver is left: nobody is in the room to hear it.
        let _ = self.broadcast.send(Arc::new(message));
    }
}
