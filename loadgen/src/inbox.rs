//! What one loadgen client makes of the lines it receives: whose joins it has seen, which
//! messages arrived and how late. Pure bookkeeping, no socket, so tests can feed it lines.
//!
//! A client is *ready* once it has got its user list and knows every other client of the run,
//! from that list or from a later `User X joined the chat`. Knowing them by either route (instead
//! of counting notices) is what makes the rule hold for the Go original too: there a newcomer can
//! hear of a join both in its list and as a notice, or before its own list arrives.

use crate::payload;

/// How this run names its clients. The prefix is unique per loadgen process, so clients left
/// over from an earlier run on the same server neither clash with this run's IDs nor count as
/// this run's peers.
#[derive(Debug, Clone)]
pub struct Names {
    prefix: String,
    clients: usize,
    stalled: usize,
}

impl Names {
    pub fn new(prefix: &str, clients: usize, stalled: usize) -> Names {
        Names {
            prefix: prefix.to_string(),
            clients,
            stalled,
        }
    }

    /// Everyone in the run: the reading clients first, then the stalled ones.
    pub fn total(&self) -> usize {
        self.clients + self.stalled
    }

    /// The ID of member `index` (0-based over [`Names::total`]).
    pub fn id(&self, index: usize) -> String {
        if index < self.clients {
            format!("{}c{index}", self.prefix)
        } else {
            format!("{}s{}", self.prefix, index - self.clients)
        }
    }

    /// The inverse of [`Names::id`]; `None` for anyone not in this run.
    pub fn index(&self, id: &str) -> Option<usize> {
        let rest = id.strip_prefix(&self.prefix)?;
        let (offset, count, number) = match rest.split_at_checked(1)? {
            ("c", number) => (0, self.clients, number),
            ("s", number) => (self.clients, self.stalled, number),
            _ => return None,
        };
        let n: usize = number.parse().ok()?;
        (n < count && n.to_string() == number).then_some(offset + n)
    }
}

/// How far a client has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Connecting,
    /// Got its user list: the server has admitted it.
    Joined,
    /// Knows every other member of the run.
    Ready,
}

/// What a client counted, handed to the coordinator at the end.
#[derive(Debug, Default)]
pub struct Tally {
    pub received: u64,
    /// Each delivery's latency in nanoseconds.
    pub latencies: Vec<u64>,
    /// When the last message arrived (clock nanoseconds), if any did.
    pub last_delivery: Option<u64>,
    /// `User X left the chat` notices: members the server dropped or who left.
    pub left: u64,
    pub ready: bool,
}

/// One client's view of the room.
pub struct Inbox {
    names: Names,
    me: usize,
    /// One bit per member of the run: seen joined (or listed). A bitset rather than a set of IDs,
    /// because 10,000 clients each knowing 10,000 names would otherwise cost gigabytes.
    known: Vec<u64>,
    known_count: usize,
    expected: u64,
    stage: Stage,
    tally: Tally,
}

impl Inbox {
    /// `expected` is how many messages this client should receive.
    pub fn new(names: Names, me: usize, expected: u64) -> Inbox {
        let words = names.total().div_ceil(64);
        Inbox {
            names,
            me,
            known: vec![0; words],
            known_count: 0,
            expected,
            stage: Stage::Connecting,
            tally: Tally {
                latencies: Vec::with_capacity(usize::try_from(expected).unwrap_or(0)),
                ..Tally::default()
            },
        }
    }

    /// Messages received so far.
    pub fn received(&self) -> u64 {
        self.tally.received
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Ready, and every expected message has arrived.
    pub fn done(&self) -> bool {
        self.stage == Stage::Ready && self.tally.received >= self.expected
    }

    pub fn into_tally(mut self) -> Tally {
        self.tally.ready = self.stage == Stage::Ready;
        self.tally
    }

    /// Takes in one line (without its newline) received at `now` (clock nanoseconds). An error
    /// is the server refusing this client, in the server's words.
    pub fn on_line(&mut self, line: &str, now: u64) -> Result<(), String> {
        if let Some((_, stamp)) = payload::decode(line) {
            self.tally.received += 1;
            self.tally.latencies.push(now.saturating_sub(stamp.sent));
            self.tally.last_delivery = Some(now);
        } else if let Some(id) = notice(line, " joined the chat") {
            self.learn(id);
        } else if notice(line, " left the chat").is_some() {
            self.tally.left += 1;
        } else if let Some(list) = user_list(line) {
            list.for_each(|id| self.learn(id));
            self.stage = self.stage.max(Stage::Joined);
        } else if line.starts_with("ID ") || line.starts_with("** Server is full") {
            return Err(line.to_string());
        }
        if self.stage == Stage::Joined && self.known_count + 1 == self.names.total() {
            self.stage = Stage::Ready;
        }
        Ok(())
    }

    fn learn(&mut self, id: &str) {
        let Some(index) = self.names.index(id) else {
            return;
        };
        let (word, bit) = (index / 64, 1u64 << (index % 64));
        if index != self.me && self.known[word] & bit == 0 {
            self.known[word] |= bit;
            self.known_count += 1;
        }
    }
}

/// The `X` of `User X<suffix>`.
fn notice<'a>(line: &'a str, suffix: &str) -> Option<&'a str> {
    line.strip_prefix("User ")?.strip_suffix(suffix)
}

/// The names in a newcomer's first line: ours says `** No other users in chat **` when the room is
/// empty; the Go original always says `** Current users in chat: ... **`, with an empty list then.
fn user_list(line: &str) -> Option<impl Iterator<Item = &str>> {
    let names = if line == "** No other users in chat **" {
        ""
    } else {
        line.strip_prefix("** Current users in chat: ")?
            .strip_suffix("**")?
            .trim()
    };
    Some(names.split(", ").filter(|name| !name.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inbox(me: usize, expected: u64) -> Inbox {
        Inbox::new(Names::new("r1-", 3, 1), me, expected)
    }

    #[test]
    fn names_round_trip_and_ignore_strangers() {
        let names = Names::new("r1-", 3, 1);
        assert_eq!(names.id(2), "r1-c2");
        assert_eq!(names.id(3), "r1-s0");
        for i in 0..names.total() {
            assert_eq!(names.index(&names.id(i)), Some(i));
        }
        for stranger in ["r2-c0", "r1-c3", "r1-s1", "r1-c01", "r1-x0", "r1-", "Ahmed"] {
            assert_eq!(names.index(stranger), None, "{stranger}");
        }
    }

    #[test]
    fn ready_after_the_list_and_the_remaining_joins() {
        let mut inbox = inbox(1, 0);
        inbox.on_line("Enter your ID:", 0).expect("a prompt");
        inbox
            .on_line("User r1-c2 joined the chat", 0)
            .expect("an early notice");
        assert_eq!(inbox.stage(), Stage::Connecting);
        inbox
            .on_line("** Current users in chat: r1-s0, r1-c0 **", 0)
            .expect("list");
        assert_eq!(inbox.stage(), Stage::Ready);
        assert!(inbox.done());
    }

    #[test]
    fn duplicates_and_strangers_do_not_count_as_peers() {
        let mut inbox = inbox(0, 0);
        inbox
            .on_line("** No other users in chat **", 0)
            .expect("list");
        for line in ["User r1-c1 joined the chat", "User r1-c1 joined the chat"] {
            inbox.on_line(line, 0).expect("notice");
        }
        inbox
            .on_line("User old-c2 joined the chat", 0)
            .expect("notice");
        inbox
            .on_line("User r1-c0 joined the chat", 0)
            .expect("own notice");
        assert_eq!(inbox.stage(), Stage::Joined);
        inbox
            .on_line("** Current users in chat:  **", 0)
            .expect("Go's empty list");
        inbox
            .on_line("User r1-s0 joined the chat", 0)
            .expect("notice");
        inbox
            .on_line("User r1-c2 joined the chat", 0)
            .expect("notice");
        assert_eq!(inbox.stage(), Stage::Ready);
    }

    #[test]
    fn counts_messages_latency_and_leaves() {
        let mut inbox = inbox(2, 2);
        inbox
            .on_line("** Current users in chat: r1-c0, r1-c1, r1-s0 **", 0)
            .expect("list");
        inbox.on_line("[r1-c0]: 1000 0 0", 1500).expect("message");
        assert!(!inbox.done());
        inbox
            .on_line("[r1-c0]: 2000 0 1 xxxx", 2100)
            .expect("message");
        inbox
            .on_line("User r1-s0 left the chat", 2200)
            .expect("leave");
        assert!(inbox.done());
        let tally = inbox.into_tally();
        assert_eq!(tally.latencies, vec![500, 100]);
        assert_eq!(
            (tally.received, tally.left, tally.last_delivery),
            (2, 1, Some(2100))
        );
        assert!(tally.ready);
    }

    #[test]
    fn a_refusal_is_an_error() {
        let mut inbox = inbox(0, 0);
        let refused = inbox.on_line("ID 'r1-c0' is already taken", 0);
        assert_eq!(refused, Err("ID 'r1-c0' is already taken".to_string()));
    }
}
