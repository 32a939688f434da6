//! The connection throttle: how many new connections one address may open in a minute.
//!
//! Go counterpart: none. The original accepts a reconnect loop as fast as it can run: one address
//! that connects, joins and quits in a loop made 6,439 join/leave cycles in 2 s, and put 12,878
//! notices on every screen. `--max-per-address` does not see it, since such a loop holds one
//! connection at a time. ergo (IRC) calls this `throttle`: so many new connections per window and
//! address, the loopback exempt. Here the window is a minute, counted from an address's first
//! connection in it (a fixed window: simple to explain, and the client can be told exactly when
//! to come back).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The throttle's window: `--max-connects-per-minute` connections per address within it.
pub const WINDOW: Duration = Duration::from_secs(60);

/// How many addresses the throttle remembers before it first forgets those whose window is over.
/// Each entry is a few dozen bytes; forgetting is a pass over the map, so it is done only when the
/// map has doubled since the last pass, which keeps its cost per connection constant.
const FIRST_PRUNE_AT: usize = 1024;

/// One address's window: when it began and how many connections it has seen.
struct Window {
    started: Instant,
    connections: u32,
}

/// Every address that connected within the last [`WINDOW`], and how often.
pub struct Throttle {
    windows: HashMap<IpAddr, Window>,
    prune_at: usize,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            windows: HashMap::new(),
            prune_at: FIRST_PRUNE_AT,
        }
    }
}

impl Throttle {
    /// Counts a new connection from `address` at `now`. Refused ones count too, so a loop that
    /// keeps knocking stays refused. Returns how long until the address may connect again when it
    /// has had `per_window` connections in this window already; `per_window` 0 turns it off.
    pub fn connect(
        &mut self,
        address: IpAddr,
        now: Instant,
        per_window: u32,
    ) -> Result<(), Duration> {
        if per_window == 0 {
            return Ok(());
        }
        self.forget_old_windows(now);
        let window = self.windows.entry(address).or_insert(Window {
            started: now,
            connections: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                connections: 0,
            };
        }
        window.connections = window.connections.saturating_add(1);
        if window.connections > per_window {
            return Err(WINDOW - now.duration_since(window.started));
        }
        Ok(())
    }

    fn forget_old_windows(&mut self, now: Instant) {
        if self.windows.len() < self.prune_at {
            return;
        }
        self.windows
            .retain(|_, window| now.duration_since(window.started) < WINDOW);
        self.prune_at = FIRST_PRUNE_AT.max(2 * self.windows.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn an_address_gets_its_connections_then_waits_for_the_window_to_end() {
        let start = Instant::now();
        let mut throttle = Throttle::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(throttle.connect(a, start, 3), Ok(()));
        }
        assert_eq!(
            throttle.connect(a, start + 20 * SECOND, 3),
            Err(40 * SECOND)
        );
        assert_eq!(throttle.connect(b, start + 20 * SECOND, 3), Ok(()));
        assert_eq!(throttle.connect(a, start + 60 * SECOND, 3), Ok(()));
        assert_eq!(throttle.connect(a, start, 0), Ok(()), "0 turns it off");
    }

    #[test]
    fn old_windows_are_forgotten_so_the_map_stays_small() {
        let start = Instant::now();
        let mut throttle = Throttle::default();
        for n in 0..5000u32 {
            let address = IpAddr::from(n.to_be_bytes());
            let now = start + Duration::from_millis(u64::from(n) * 100);
            throttle.connect(address, now, 30).unwrap();
        }
        // One address a tenth of a second: only the last minute's 600 or so can be remembered,
        // plus those not yet pruned, never more than twice that.
        assert!(
            throttle.windows.len() <= 2 * FIRST_PRUNE_AT,
            "{}",
            throttle.windows.len()
        );
    }
}
