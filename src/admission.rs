//! Admission: which connections the room takes, counted in all and per address.
//!
//! Go counterpart: none. The Go original accepts every connection and lets each hold a goroutine
//! for as long as it likes; here `--max-clients` bounds the threads and sockets one server holds,
//! and `--max-per-address` keeps one machine from taking every place in the room.
//!
//! Connections still choosing an ID count against `--max-clients`, but they never lock people
//! out: when the room is full, a newcomer takes the place of the oldest connection still choosing
//! an ID ([`Admission::admit`]). Refused instead, 63 addresses x 16 connections that never send an
//! ID told every real user `** Server is full **` for as long as `--id-timeout`.
//!
//! It lives inside the [`crate::room::Room`] behind the room's one mutex: the acceptor admits
//! under that lock, a client thread releases its slot under it, and the broadcaster closes every
//! connection under it at shutdown.

use crate::config::Config;
use crate::throttle::Throttle;
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Names one accepted connection, from accept until its thread ends.
pub type ConnectionId = u64;

/// Why [`Admission::admit`] turned a connection away.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `--max-clients` connections are open.
    Full,
    /// `--max-per-address` connections are open from the newcomer's address.
    TooManyFromAddress,
    /// The newcomer's address has opened `--max-connects-per-minute` connections in this minute
    /// already; it may come back after this long.
    Throttled(Duration),
    /// The server is stopping ([`Admission::close`] has run).
    ShuttingDown,
}

/// One accepted connection, as the room keeps it.
struct Connection {
    stream: Arc<TcpStream>,
    /// The address it counts against, or `None` when its address is exempt.
    counted_as: Option<IpAddr>,
    /// Whether it has claimed an ID: from then on the broadcaster is its socket's one writer.
    joined: bool,
}

/// Every open connection, joined or not, and how many each address holds.
#[derive(Default)]
pub struct Admission {
    /// Every accepted connection, joined or not: its count is what `--max-clients` limits, and at
    /// shutdown every one of them is closed. In the order they were accepted (ids only grow), so
    /// the oldest handshake is the first unjoined one.
    connections: BTreeMap<ConnectionId, Connection>,
    /// Open connections per counted address, for `--max-per-address`. An address leaves the map
    /// with its last connection, so the map never holds more entries than there are connections.
    per_address: HashMap<IpAddr, usize>,
    next_connection: ConnectionId,
    /// New connections per counted address in the last minute, for `--max-connects-per-minute`.
    throttle: Throttle,
    /// Set by [`Admission::close`] when the stop's notice is queued: from then on no connection is
    /// admitted and no ID claimed, so nobody joins a room that has already said goodbye.
    closed: bool,
}

impl Admission {
    /// Registers a new connection from `peer` at `now`, or refuses it when the server is stopping,
    /// `peer` already has its share of connections, open or new this minute (unless `config`
    /// exempts it), or the room is full of joined members. A room full with some connections
    /// still choosing an ID closes the oldest of them to make room (see `Admission::make_room`).
    pub fn admit(
        &mut self,
        stream: Arc<TcpStream>,
        peer: IpAddr,
        config: &Config,
        now: Instant,
    ) -> Result<ConnectionId, Refusal> {
        if self.closed {
            return Err(Refusal::ShuttingDown);
        }
        let counted_as = config.counts(peer).then(|| counted_address(peer));
        if let Some(address) = counted_as {
            self.throttle
                .connect(address, now, config.max_connects_per_minute)
                .map_err(Refusal::Throttled)?;
            if self.per_address.get(&address).copied().unwrap_or(0) >= config.max_per_address {
                return Err(Refusal::TooManyFromAddress);
            }
        }
        if self.connections.len() >= config.max_clients && !self.make_room() {
            return Err(Refusal::Full);
        }
        if let Some(address) = counted_as {
            *self.per_address.entry(address).or_default() += 1;
        }
        self.next_connection += 1;
        let connection = Connection {
            stream,
            counted_as,
            joined: false,
        };
        self.connections.insert(self.next_connection, connection);
        Ok(self.next_connection)
    }

    /// Closes the oldest connection still choosing an ID, if there is one, and frees its place.
    /// Its thread's read returns, it finds its connection gone ([`Admission::is_open`]) and tells
    /// its peer why. Oldest first, so a person typing an ID is the last to go: with 63 addresses
    /// each reconnecting 30 times a minute (`--max-connects-per-minute`), a newcomer in a room of
    /// 1,000 still has over 30 s to send one. Joined members are never closed for a newcomer.
    fn make_room(&mut self) -> bool {
        let Some(oldest) = self
            .connections
            .iter()
            .find_map(|(key, connection)| (!connection.joined).then_some(*key))
        else {
            return false;
        };
        if let Some(gone) = self.release(oldest) {
            // NOTE: ignoring errors: a socket the peer already closed needs no closing.
            let _ = gone.shutdown(Shutdown::Read);
        }
        true
    }

    /// Frees a connection's slot, and its address's, when its thread ends (or when it is closed
    /// to make room). Returns what it freed, `None` the second time.
    pub fn release(&mut self, connection: ConnectionId) -> Option<Arc<TcpStream>> {
        let gone = self.connections.remove(&connection)?;
        if let Some(address) = gone.counted_as
            && let Some(open) = self.per_address.get_mut(&address)
        {
            *open -= 1;
            if *open == 0 {
                self.per_address.remove(&address);
            }
        }
        Some(gone.stream)
    }

    /// Whether a connection still has its place: false once its thread has ended, or once it was
    /// closed to make room for a newcomer.
    pub fn is_open(&self, connection: ConnectionId) -> bool {
        self.connections.contains_key(&connection)
    }

    /// Admits nobody from now on, and lets no ID be claimed: the server is stopping. Called under
    /// the lock that queues `** Server is shutting down **` for every member (see
    /// [`crate::room::Room::shut_down`]), so a claim is either before it, and told by the
    /// broadcaster, or after it, and told by its own thread (see [`crate::handshake`]).
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Whether [`Admission::close`] has run.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Marks a connection as joined, once its ID is claimed.
    pub fn joined(&mut self, connection: ConnectionId) {
        if let Some(connection) = self.connections.get_mut(&connection) {
            connection.joined = true;
        }
    }

    /// Closes every connection, so that every client thread's read returns. A connection still
    /// choosing its ID keeps its writing side: its thread, the socket's one writer until then,
    /// tells it `** Server is shutting down **` before it ends (see [`crate::handshake`]).
    pub fn close_all(&self) {
        for connection in self.connections.values() {
            let how = if connection.joined {
                Shutdown::Both
            } else {
                Shutdown::Read
            };
            // NOTE: ignoring errors: a socket the peer already closed needs no closing.
            let _ = connection.stream.shutdown(how);
        }
    }
}

/// The address a peer's connections count against: an IPv4 address as it is (an IPv4 client of a
/// server on `[::]` arrives as `::ffff:a.b.c.d` and is counted as `a.b.c.d`), and an IPv6 address
/// by its /64, the network one customer or one LAN gets (as ergo counts). Without that, one
/// machine takes as many places as it has addresses, and an IPv6 machine has 2^64 of them.
pub fn counted_address(peer: IpAddr) -> IpAddr {
    match peer.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        let key = |text: &str| counted_address(text.parse().unwrap()).to_string();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:3::1"), "2001:db8:1:3::");
        assert_eq!(key("::ffff:10.0.0.7"), "10.0.0.7");
        assert_eq!(key("10.0.0.7"), "10.0.0.7");
    }
}
