//! Where an attacker's connections come from: other loopback addresses (`127.0.0.2`, `.3`, ...),
//! so that the server counts them as other machines, with `--max-per-address` and
//! `--max-connects-per-minute` applied, as it would to a real attacker.
//!
//! Go counterpart: none; the Go original limits nothing per address. Linux routes the whole of
//! `127.0.0.0/8` to the loopback interface, so binding a socket to `127.0.0.2` before connecting
//! needs no setup (the server's own tests do the same in `tests/common/mod.rs`). Only loopback
//! addresses are accepted, for the reason `--addr` is loopback only: a load generator aimed at
//! someone else's network is a denial of service.

use socket2::{Domain, Socket, Type};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Where attackers connect from when `--attack-from` is not given: the address the healthy
/// clients use too, which the server exempts from its per-address limits by default.
pub const DEFAULT_SOURCE: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// One `--attack-from` address: loopback only (`127.0.0.0/8` or `::1`).
pub fn loopback_source(text: &str) -> Result<IpAddr, String> {
    match text.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => Ok(ip),
        Ok(ip) => Err(format!(
            "{ip} is not a loopback address: attackers connect from 127.0.0.0/8 or ::1 only"
        )),
        Err(_) => Err(format!(
            "{text:?} is not an IP address (try 127.0.0.2,127.0.0.3)"
        )),
    }
}

/// The address attacker `member` connects from: members take the addresses in turn
/// (round-robin), so 48 attackers over three addresses are 16 from each, and attacker 0 is
/// always on the first one.
pub fn pick(sources: &[IpAddr], member: usize) -> IpAddr {
    match sources {
        [] => DEFAULT_SOURCE,
        _ => sources[member % sources.len()],
    }
}

/// Connects to `server` from `local` (any free port) within `timeout`, first shrinking the
/// socket's receive buffer to `receive_buffer` bytes when given: set before `connect`, it bounds
/// the window the connection announces from its first segment on. (Linux doubles the number it
/// is given and keeps a floor of its own, so the buffer is about twice that.)
pub fn connect_from(
    local: IpAddr,
    server: SocketAddr,
    receive_buffer: Option<usize>,
    timeout: Duration,
) -> io::Result<TcpStream> {
    if local.is_ipv4() != server.is_ipv4() {
        return Err(io::Error::other(format!(
            "cannot reach {server} from {local}: give --attack-from addresses of the same \
             family as --addr"
        )));
    }
    let socket = Socket::new(Domain::for_address(server), Type::STREAM, None)?;
    if let Some(bytes) = receive_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    socket.bind(&SocketAddr::new(local, 0).into())?;
    socket.connect_timeout(&server.into(), timeout)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn accepts_loopback_addresses_only() {
        assert_eq!(
            loopback_source("127.0.0.2"),
            Ok("127.0.0.2".parse().unwrap())
        );
        assert_eq!(
            loopback_source("127.255.0.9"),
            Ok("127.255.0.9".parse().unwrap())
        );
        assert_eq!(loopback_source("::1"), Ok("::1".parse().unwrap()));
        for outside in ["10.0.0.2", "128.0.0.1", "0.0.0.0", "::2", "192.168.1.1"] {
            let refusal = loopback_source(outside).expect_err(outside);
            assert!(refusal.contains("not a loopback address"), "{refusal}");
        }
        let refusal = loopback_source("127.0.0.2:5000").expect_err("a port is not an address");
        assert!(refusal.contains("not an IP address"), "{refusal}");
    }

    #[test]
    fn members_take_the_addresses_in_turn() {
        let sources: Vec<IpAddr> = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let picked: Vec<IpAddr> = (0..7).map(|m| pick(&sources, m)).collect();
        assert_eq!(picked[..3], sources[..]);
        assert_eq!(picked[3..6], sources[..]);
        assert_eq!(picked[6], sources[0]);
        let per_address = |ip| (0..48).filter(|&m| pick(&sources, m) == ip).count();
        assert!(sources.iter().all(|&ip| per_address(ip) == 16));
        assert_eq!(pick(&[], 5), DEFAULT_SOURCE);
    }

    #[test]
    fn the_server_sees_the_chosen_address() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on loopback");
        let server = listener
            .local_addr()
            .expect("a bound listener has an address");
        let local: IpAddr = "127.0.0.3".parse().unwrap();
        let _client =
            connect_from(local, server, Some(4096), SECOND).expect("127.0.0.3 is loopback");
        let (_, peer) = listener.accept().expect("the connection was made");
        assert_eq!(peer.ip(), local);
        let v6: IpAddr = "::1".parse().unwrap();
        let mismatch = connect_from(v6, server, None, SECOND).expect_err("::1 cannot reach IPv4");
        assert!(mismatch.to_string().contains("same family"), "{mismatch}");
    }
}
