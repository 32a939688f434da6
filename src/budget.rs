//! The room's memory budget (`--room-budget`): who gives way when every queue together holds too
//! much, and for how long the room may wait instead.
//!
//! Go counterpart: none. The Go original holds nothing: its broadcaster waits in a blocking write
//! instead, so the slowest reader sets everyone's pace.
//!
//! Two kinds of crowd fill the budget. A burst larger than the readers can take at once (one
//! sender pasting with pacing off while a reader pauses for 300 ms) passes by itself: for a
//! moment the broadcaster takes no new events, the channel fills, the client threads stop reading
//! and TCP slows the senders (backpressure), and a moment later the readers have caught up. But
//! readers who trickle on purpose, each just inside every per-member rule, can hold the budget
//! full for as long as they like, and then backpressure freezes the room at their pace: the Go
//! original's flaw, with 33 readers instead of one.
//!
//! So when the room is over its budget, the members that have had bytes waiting for longer than
//! [`GRACE`] are shed, the biggest first, until the room is under its budget again: Redis 7's
//! client eviction (`maxmemory-clients`), which disconnects the biggest clients first. A member
//! behind for less than the grace (a reader paused for a moment) is waited for instead, and since
//! every holder's grace ends, the room never waits longer than [`GRACE`].

use crate::room::MemberId;
use std::time::{Duration, Instant};

/// How long a member may have bytes waiting before, in a room over its budget, it may be shed.
/// Long enough for what backpressure is for: a reader paused 300 ms in a 16,000-line burst
/// catches up within it (the `pause` and `pause-lan` scenarios of `make bench`: nobody shed), and
/// a classroom paste never reaches the budget at all. Short enough that no line waits much
/// longer than this: people notice a chat line that arrives a second late.
pub const GRACE: Duration = Duration::from_millis(500);

/// A member with bytes waiting, as the budget sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub member: MemberId,
    /// Bytes waiting in its queue.
    pub bytes: usize,
    /// Since when its queue has not been empty.
    pub since: Instant,
}

/// Whom to shed from a room where `queued` bytes wait in all, at `now`: the holders past their
/// grace, the biggest first, until the rest is under `limit`. Nobody when the room is under its
/// budget; nobody either when every holder is within its grace, and then the room pushes back.
pub fn to_shed(limit: usize, mut queued: usize, holders: Vec<Holder>, now: Instant) -> Vec<Holder> {
    let mut past_grace: Vec<Holder> = holders
        .into_iter()
        .filter(|holder| now.saturating_duration_since(holder.since) >= GRACE)
        .collect();
    past_grace.sort_by_key(|holder| holder.bytes);
    let mut shed = Vec::new();
    while queued >= limit {
        let Some(biggest) = past_grace.pop() else {
            break;
        };
        queued -= biggest.bytes;
        shed.push(biggest);
    }
    shed
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1000;

    fn holders(now: Instant) -> Vec<Holder> {
        let long_ago = now - 2 * GRACE;
        let holder = |member, bytes, since| Holder {
            member,
            bytes,
            since,
        };
        vec![
            holder(1, 400, long_ago),
            holder(2, 300, long_ago),
            holder(3, 100, long_ago),
            holder(4, 500, now - GRACE / 2),
        ]
    }

    fn shed(queued: usize, holders: Vec<Holder>, now: Instant) -> Vec<MemberId> {
        let shed = to_shed(LIMIT, queued, holders, now);
        shed.iter().map(|holder| holder.member).collect()
    }

    #[test]
    fn under_budget_nobody_is_shed() {
        let now = Instant::now();
        assert_eq!(shed(999, holders(now), now), []);
    }

    /// The biggest go first, and only as many as it takes to be under the budget again.
    #[test]
    fn the_biggest_are_shed_until_the_room_is_under_budget() {
        let now = Instant::now();
        assert_eq!(shed(1100, holders(now), now), [1]);
        assert_eq!(shed(1500, holders(now), now), [1, 2]);
    }

    /// A member behind for less than the grace (a reader paused for a moment) is not shed, even
    /// when it holds the most; with nobody else to shed, the room waits for it.
    #[test]
    fn a_member_within_its_grace_is_waited_for() {
        let now = Instant::now();
        let recent = vec![Holder {
            member: 4,
            bytes: 1200,
            since: now - GRACE / 2,
        }];
        assert_eq!(shed(1200, recent.clone(), now), []);
        assert_eq!(shed(1200, recent, now + GRACE), [4]);
    }
}
