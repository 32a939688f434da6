//! The room's memory budget (`--room-budget`): how long the room may push back when every queue
//! together holds too much, and who gives way when that is not enough.
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
//! original's flaw, with 33 readers instead of one. So backpressure lasts at most [`GRACE`]; past
//! it, the members holding the most are shed, from the biggest down, until the room is under its
//! budget again. This is Redis 7's client eviction (`maxmemory-clients`), with the grace in
//! front of it so that a reader who is only paused is not the one shed.

use crate::room::MemberId;
use std::time::{Duration, Instant};

/// The longest the room pushes back before it sheds members. Long enough for what backpressure
/// is for: a reader paused 300 ms in a 16,000-line burst catches up within it (measured in the
/// `pause` and `pause-lan` scenarios of `make bench`, nobody shed), and a classroom paste never
/// reaches the budget at all. Short enough that no line waits longer than about this: people
/// notice a chat line that arrives a second late.
pub const GRACE: Duration = Duration::from_millis(500);

/// What the room does about its budget on this pass.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Under budget: take events as they come.
    Under,
    /// Over budget within the grace: take no events, only retry the sockets.
    PushBack,
    /// Over budget for longer than the grace: shed these members, with the bytes each held.
    Shed(Vec<(MemberId, usize)>),
}

/// Since when the room has been over its budget.
pub struct Budget {
    limit: usize,
    over_since: Option<Instant>,
}

impl Budget {
    pub fn new(limit: usize) -> Budget {
        Budget {
            limit,
            over_since: None,
        }
    }

    /// Judges the room at `now`: `queued` bytes wait in all, `holders` are the members with bytes
    /// waiting and how many, fewest first (as [`crate::send_queue::SendQueues::backlogs`] gives
    /// them).
    pub fn judge(
        &mut self,
        queued: usize,
        holders: impl FnOnce() -> Vec<(MemberId, usize)>,
        now: Instant,
    ) -> Verdict {
        if queued < self.limit {
            self.over_since = None;
            return Verdict::Under;
        }
        let since = *self.over_since.get_or_insert(now);
        if now.saturating_duration_since(since) < GRACE {
            return Verdict::PushBack;
        }
        self.over_since = None;
        Verdict::Shed(biggest_until_under(holders(), queued, self.limit))
    }
}

/// The biggest holders, biggest first, until what the others hold is under `limit`.
fn biggest_until_under(
    mut fewest_first: Vec<(MemberId, usize)>,
    mut queued: usize,
    limit: usize,
) -> Vec<(MemberId, usize)> {
    let mut shed = Vec::new();
    while queued >= limit {
        let Some((member, bytes)) = fewest_first.pop() else {
            break;
        };
        queued -= bytes;
        shed.push((member, bytes));
    }
    shed
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1000;

    fn holders() -> Vec<(MemberId, usize)> {
        vec![(4, 100), (2, 300), (3, 300), (1, 400)]
    }

    #[test]
    fn under_budget_nobody_waits() {
        let mut budget = Budget::new(LIMIT);
        assert_eq!(budget.judge(999, holders, Instant::now()), Verdict::Under);
    }

    /// A burst that passes within the grace costs nobody their place.
    #[test]
    fn over_budget_the_room_pushes_back_for_the_grace_only() {
        let mut budget = Budget::new(LIMIT);
        let start = Instant::now();
        assert_eq!(budget.judge(1100, holders, start), Verdict::PushBack);
        let almost = start + GRACE - Duration::from_millis(1);
        assert_eq!(budget.judge(1100, holders, almost), Verdict::PushBack);
        let shed = budget.judge(1100, holders, start + GRACE);
        assert_eq!(shed, Verdict::Shed(vec![(1, 400)]));
    }

    /// The biggest go first, and only as many as it takes to be under the budget again.
    #[test]
    fn the_biggest_are_shed_until_the_room_is_under_budget() {
        assert_eq!(
            biggest_until_under(holders(), 1100, LIMIT),
            vec![(1, 400)],
            "1100 - 400 is under the budget"
        );
        assert_eq!(
            biggest_until_under(holders(), 1500, LIMIT),
            vec![(1, 400), (3, 300)]
        );
    }

    /// Dipping under the budget starts the grace again.
    #[test]
    fn the_grace_starts_again_after_a_dip() {
        let mut budget = Budget::new(LIMIT);
        let start = Instant::now();
        assert_eq!(budget.judge(1100, holders, start), Verdict::PushBack);
        let later = start + GRACE / 2;
        assert_eq!(budget.judge(900, holders, later), Verdict::Under);
        let again = later + GRACE / 2;
        assert_eq!(budget.judge(1100, holders, again), Verdict::PushBack);
    }
}
