//! Admission: which connections the room takes, counted in all and per address.
//!
//! Go counterpart: none. The Go original accepts every connection and lets each hold a goroutine
//! for as long as it likes; here `--max-clients` bounds the threads and sockets one server holds,
//! and `--max-per-address` keeps one machine from taking every place in the room.
//!
//! It lives inside the [`crate::room::Room`] behind the room's one mutex: the acceptor admits
//! under that lock, a client thread releases its slot under it, and the broadcaster closes every
//! connection under it at shutdown.

use crate::config::Config;
use crate::throttle::Throttle;
use std::collections::HashMap;
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
    /// shutdown every one of them is closed.
    connections: HashMap<ConnectionId, Connection>,
    /// Open connections per counted address, for `--max-per-address`. An address leaves the map
    /// with its last connection, so the map never holds more entries than there are connections.
    per_address: HashMap<IpAddr, usize>,
    next_connection: ConnectionId,
    /// New connections per counted address in the last minute, for `--max-connects-per-minute`.
    throttle: Throttle,
}

impl Admission {
    /// Registers a new connection from `peer` at `now`, or refuses it when the room is full or
    /// `peer` already has its share of connections, open or new this minute (unless `config`
    /// exempts it).
    pub fn admit(
        &mut self,
        stream: Arc<TcpStream>,
        peer: IpAddr,
        config: &Config,
        now: Instant,
    ) -> Result<ConnectionId, Refusal> {
        let counted_as = config.counts(peer).then(|| counted_address(peer));
        if let Some(address) = counted_as {
            self.throttle
                .connect(address, now, config.max_connects_per_minute)
                .map_err(Refusal::Throttled)?;
        }
        if self.connections.len() >= config.max_clients {
            return Err(Refusal::Full);
        }
        if let Some(address) = counted_as {
            let open = self.per_address.entry(address).or_default();
            if *open >= config.max_per_address {
                return Err(Refusal::TooManyFromAddress);
            }
            *open += 1;
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

    /// Frees a connection's slot, and its address's, when its thread ends.
    pub fn release(&mut self, connection: ConnectionId) {
        let Some(gone) = self.connections.remove(&connection) else {
            return;
        };
        if let Some(address) = gone.counted_as
            && let Some(open) = self.per_address.get_mut(&address)
        {
            *open -= 1;
            if *open == 0 {
                self.per_address.remove(&address);
            }
        }
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
