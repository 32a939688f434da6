//! The room: every open connection and every user, behind one `parking_lot::Mutex`.
//!
//! Go counterpart: `clients map[string]net.Conn` guarded by `mu sync.Mutex`. In Go, nothing stops a
//! goroutine from touching the map without taking `mu`; here the map lives *inside* the mutex
//! ([`SharedRoom`]), so the only way to reach it is through the guard that `lock()` returns.
//!
//! Two concerns share the one lock, each in its own file: who may connect
//! ([`crate::admission`]) and who is a member under which ID (this file). The bytes each member is
//! owed are not here: they belong to the broadcaster alone ([`crate::send_queue`]), the one thread
//! that writes to joined members, so they need no lock at all.
//!
//! Who locks it, and for what:
//! - the acceptor, to count and register a new connection, in all and per address
//!   ([`crate::admission::Admission::admit`]);
//! - a client thread, to claim its ID ([`Room::claim`]) and, when it ends, to free its slot;
//! - the broadcaster, to announce a join, remove a member and list the users, in the order of
//!   the events it applies.
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
//! No lock is ever held across a socket write, and nothing is printed under it: a chat line never
//! takes the lock at all (the broadcaster appends it to its own send queues), and a join or a
//! leave holds it only to change the maps below. So not even a slow socket delays an ID check.

use crate::admission::Admission;
use crate::id::{self, IdRejection};
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
}

/// What the broadcaster needs to announce a newcomer: whom to tell, and what.
pub struct Announced {
    pub id: String,
    pub stream: Arc<TcpStream>,
    /// `** Current users in chat: ... **`: everyone announced before the newcomer.
    pub welcome: String,
}

#[derive(Default)]
pub struct Room {
    /// Every open connection, joined or not, counted in all and per address.
    pub admission: Admission,
    /// Every member, announced or not.
    members: HashMap<MemberId, Member>,
    /// The announced members, in the order the broadcaster announced them: the order of every
    /// user list.
    join_order: BTreeMap<u64, MemberId>,
    /// ID key ([`id::key`]) to member, so no two members' IDs look alike.
    ids: HashMap<String, MemberId>,
    next_member: MemberId,
    next_join: u64,
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
        };
        self.members.insert(self.next_member, member);
        self.ids.insert(key, self.next_member);
        Ok(self.next_member)
    }

    /// Puts a claimed member in the join order, and says what its welcome is: the list of
    /// everyone announced before it. `None` if it is already gone.
    pub fn announce(&mut self, newcomer: MemberId) -> Option<Announced> {
        // Always present in practice: a member's own `Left` comes after its `Joined`.
        let welcome = protocol::current_users_line(&self.announced_ids());
        let member = self.members.get_mut(&newcomer)?;
        self.next_join += 1;
        member.joined_at = Some(self.next_join);
        self.join_order.insert(self.next_join, newcomer);
        Some(Announced {
            id: member.id.clone(),
            stream: Arc::clone(&member.stream),
            welcome,
        })
    }

    /// The stop, under one lock: nobody is admitted or claims an ID from then on. Returns the
    /// members whose `Joined` the broadcaster has not applied yet, who have no send queue, so
    /// that they are told too; a member claimed just before the stop is not closed without a word.
    pub fn shut_down(&mut self) -> Vec<(String, Arc<TcpStream>)> {
        self.admission.close();
        self.members
            .values()
            .filter(|member| !member.was_announced())
            .map(|member| (member.id.clone(), Arc::clone(&member.stream)))
            .collect()
    }

    /// The member's ID, for the log: `?` once it is gone.
    pub fn id_or_unknown(&self, member: MemberId) -> String {
        self.members
            .get(&member)
            .map_or("?", |m| m.id.as_str())
            .to_string()
    }

    /// The `/users` answer: every announced member, the asker included, in join order.
    pub fn users_line(&self) -> String {
        protocol::users_line(&self.announced_ids())
    }

    /// Removes a member, freeing its ID. Idempotent: removing a member twice returns `None` the
    /// second time. The caller tells the others if [`Member::was_announced`].
    pub fn remove(&mut self, member: MemberId) -> Option<Member> {
        let gone = self.members.remove(&member)?;
        self.ids.remove(&id::key(&gone.id));
        if let Some(joined_at) = gone.joined_at {
            self.join_order.remove(&joined_at);
        }
        Some(gone)
    }

    fn announced_ids(&self) -> Vec<&str> {
        self.join_order
            .values()
            .map(|key| self.members[key].id.as_str())
            .collect()
    }
}

impl Member {
    /// Whether the others were told of its join, and so must be told of its leave.
    pub fn was_announced(&self) -> bool {
        self.joined_at.is_some()
    }
}
