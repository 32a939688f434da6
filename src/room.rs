//! The room: every open connection and every user, behind one `parking_lot::Mutex`.
//!
//! Go counterpart: `clients map[string]net.Conn` guarded by `mu sync.Mutex`. In Go, nothing stops a
//! goroutine from touching the map without taking `mu`; here the map lives *inside* the mutex
//! ([`SharedRoom`]), so the only way to reach it is through the guard that `lock()` returns.
//!
//! Three concerns share the one lock, each in its own file: who may connect
//! ([`crate::admission`]), who is a member under which ID (this file), and the bytes each member is
//! owed from the current batch ([`crate::outbox`]).
//!
//! Who locks it, and for what:
//! - the acceptor, to count and register a new connection, in all and per address
//!   ([`crate::admission::Admission::admit`]);
//! - a client thread, to claim its ID ([`Room::claim`]) and, when it ends, to free its slot;
//! - the broadcaster, to turn a batch of events into the bytes each user must receive.
//!
//! Where Go needs `go run -race` to catch a goroutine that touches the map without the mutex, Rust
//! refuses to compile it. Here is the Go original's map shared between two threads with no lock
//! (a `RefCell` allows mutation through a shared reference, but only within one thread):
//!
//! ```compile_fail,E0277
//! use std::cell::RefCell;
//! use std::collections::HashMap;
//! use std::sync::Arc;
//! use std::thread;
//!
//! let clients = Arc::new(RefCell::new(HashMap::<String, u32>::new()));
//! let for_the_broadcaster = Arc::clone(&clients);
//! thread::spawn(move || for_the_broadcaster.borrow_mut().remove("Omar"));
//! clients.borrow_mut().insert("Omar".to_string(), 1);
//! ```
//!
//! The error, E0277, is the missing `Sync` bound: "`RefCell<HashMap<String, u32>>` cannot be
//! shared between threads safely", so `Arc<RefCell<..>>` is not `Send` and `thread::spawn` will not
//! take it. Put the map inside a `Mutex` instead, as [`SharedRoom`] does, and it compiles:
//!
//! ```
//! use parking_lot::Mutex;
//! use std::collections::HashMap;
//! use std::sync::Arc;
//! use std::thread;
//!
//! let clients = Arc::new(Mutex::new(HashMap::<String, u32>::new()));
//! let for_the_broadcaster = Arc::clone(&clients);
//! let broadcaster = thread::spawn(move || for_the_broadcaster.lock().remove("Omar"));
//! clients.lock().insert("Omar".to_string(), 1);
//! broadcaster.join().expect("the thread does not panic");
//! ```
//!
//! No lock is ever held across a socket write, and nothing is printed under it: the broadcaster
//! queues lines in each member's outbox under the lock, takes the outboxes
//! ([`Room::take_deliveries`]), unlocks, then sends them without waiting (see
//! [`crate::send_queue`]). So not even a slow socket delays a join, a leave or an ID check.

use crate::admission::Admission;
use crate::buffer_pool::BufferPool;
use crate::id::{self, IdRejection};
use crate::outbox::Outboxes;
use crate::protocol;
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::net::TcpStream;
use std::sync::Arc;

/// The room as every thread holds it.
pub type SharedRoom = Arc<Mutex<Room>>;

/// Names one user from claiming an ID until leaving.
pub type MemberId = u64;

/// A user who has claimed an ID.
pub struct Member {
    pub id: String,
    pub stream: Arc<TcpStream>,
    /// Its place in the join order, set by the broadcaster when it announces the join. Until then
    /// the member owns its ID but receives nothing: nothing broadcast before its join reaches it.
    joined_at: Option<u64>,
    /// Lines queued under the lock in this batch, taken by the broadcaster into the member's
    /// send queue once the lock is released.
    outbox: Vec<u8>,
}

/// Bytes owed to one member, taken out of the room so they can be written without the lock.
pub struct Delivery {
    pub member: MemberId,
    pub stream: Arc<TcpStream>,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Room {
    /// Every open connection, joined or not, counted in all and per address.
    pub admission: Admission,
    /// Every member, announced or not.
    members: HashMap<MemberId, Member>,
    /// The announced members, in the order the broadcaster announced them: the order of every user
    /// list, and the set that broadcasts go to.
    join_order: BTreeMap<u64, MemberId>,
    /// ID key ([`id::key`]) to member, so no two members' IDs look alike.
    ids: HashMap<String, MemberId>,
    next_member: MemberId,
    next_join: u64,
    /// What every member's outbox of this batch shares: the byte count and the buffer pool.
    outboxes: Outboxes,
}

impl Room {
    pub fn shared() -> SharedRoom {
        Arc::new(Mutex::new(Room::default()))
    }

    /// Claims an ID for a new member, who stays silent until [`Room::announce`]. An ID that
    /// looks like a member's is refused, naming that member.
    pub fn claim(&mut self, id: &str, stream: Arc<TcpStream>) -> Result<MemberId, IdRejection> {
        let key = id::key(id);
        if let Some(owner) = self.ids.get(&key) {
            let holder = self.members[owner].id.clone();
            return Err(if id::same_up_to_case(id, &holder) {
                IdRejection::Taken(holder)
            } else {
                IdRejection::LooksLike {
                    wanted: id.to_string(),
                    holder,
                }
            });
        }
        self.next_member += 1;
        let member = Member {
            id: id.to_string(),
            stream,
            joined_at: None,
            outbox: Vec::new(),
        };
        self.members.insert(self.next_member, member);
        self.ids.insert(key, self.next_member);
        Ok(self.next_member)
    }

    /// Announces a claimed member: it gets the list of everyone already announced, they get its
    /// join notice. Returns its ID for the server log, or `None` if it is already gone.
    pub fn announce(&mut self, newcomer: MemberId) -> Option<String> {
        // Always present in practice: a member's own `Left` comes after its `Joined`.
        let id = self.members.get(&newcomer)?.id.clone();
        self.queue_for_all(None, &protocol::joined_line(&id));
        let welcome = protocol::current_users_line(&self.announced_ids());
        self.next_join += 1;
        self.join_order.insert(self.next_join, newcomer);
        self.members.get_mut(&newcomer)?.joined_at = Some(self.next_join);
        self.queue(newcomer, &welcome);
        Some(id)
    }

    /// Queues a line for every announced member except `except`.
    pub fn queue_for_all(&mut self, except: Option<MemberId>, line: &str) {
        for key in self.join_order.values() {
            if Some(*key) != except {
                let member = self.members.get_mut(key).expect("join_order lists members");
                self.outboxes.append(&mut member.outbox, line);
            }
        }
    }

    /// The stop, under one lock: every member, announced or still waiting for its `Joined` to be
    /// applied, is queued `** Server is shutting down **`, and nobody is admitted or claims an ID
    /// from then on. When only the announced members were told, a member claimed just before the
    /// stop was closed without a word.
    pub fn shut_down(&mut self) {
        self.admission.close();
        for member in self.members.values_mut() {
            self.outboxes
                .append(&mut member.outbox, protocol::SHUTTING_DOWN);
        }
    }

    /// Queues a chat line from `from` for everyone else, if `from` is still an announced member:
    /// a message read after its author was dropped is never delivered after the `left` notice.
    pub fn queue_message(&mut self, from: MemberId, line: &str) {
        if self.is_announced(from) {
            self.queue_for_all(Some(from), line);
        }
    }

    /// Queues a line for one announced member only.
    pub fn queue_reply(&mut self, to: MemberId, line: &str) {
        if self.is_announced(to) {
            self.queue(to, line);
        }
    }

    /// The `/users` answer: every announced member, the asker included, in join order.
    /// The member's ID, while it is a member.
    pub fn id_of(&self, member: MemberId) -> Option<&str> {
        self.members.get(&member).map(|m| m.id.as_str())
    }

    pub fn users_line(&self) -> String {
        protocol::users_line(&self.announced_ids())
    }

    /// Removes a member and, if it had been announced, queues its `left` notice for the others.
    /// Idempotent: removing a member twice returns `None` the second time and announces nothing.
    pub fn remove(&mut self, member: MemberId) -> Option<Member> {
        let gone = self.members.remove(&member)?;
        self.ids.remove(&id::key(&gone.id));
        if let Some(joined_at) = gone.joined_at {
            self.join_order.remove(&joined_at);
            self.queue_for_all(None, &protocol::left_line(&gone.id));
        }
        Some(gone)
    }

    /// Takes back the buffers the broadcaster has emptied, for the next outboxes.
    pub fn recycle(&mut self, spare: &mut BufferPool) {
        self.outboxes.recycle(spare);
    }

    /// How many bytes wait in all outboxes together.
    pub fn queued_bytes(&self) -> usize {
        self.outboxes.queued_bytes()
    }

    /// Takes every member's waiting lines, leaving the outboxes empty.
    pub fn take_deliveries(&mut self) -> Vec<Delivery> {
        self.outboxes.all_taken();
        self.members
            .iter_mut()
            .filter(|(_, member)| !member.outbox.is_empty())
            .map(|(key, member)| Delivery {
                member: *key,
                stream: Arc::clone(&member.stream),
                bytes: std::mem::take(&mut member.outbox),
            })
            .collect()
    }

    fn queue(&mut self, to: MemberId, line: &str) {
        let member = self
            .members
            .get_mut(&to)
            .expect("queue is called for members only");
        self.outboxes.append(&mut member.outbox, line);
    }

    fn is_announced(&self, member: MemberId) -> bool {
        self.members
            .get(&member)
            .is_some_and(|m| m.joined_at.is_some())
    }

    fn announced_ids(&self) -> Vec<&str> {
        self.join_order
            .values()
            .map(|key| self.members[key].id.as_str())
            .collect()
    }
}

impl Member {
    /// Lines still owed to a member that is leaving, so a `/users` answered just before `/quit`
    /// still reaches it.
    pub fn into_last_words(self) -> Vec<u8> {
        self.outbox
    }
}
