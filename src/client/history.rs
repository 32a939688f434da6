//! The lines this session sent, for Up and Down. Kept in memory only: a chat is not a shell,
//! and what someone said in a room should not outlive the session on disk.
//!
//! Go counterpart: none (the original reads standard input a line at a time, and the terminal
//! keeps no history). The terminal's owner (see [`super::owner`]) pushes each line it sends and
//! walks the list on Up and Down.

/// How many sent lines Up can reach. Without a bound a long session would grow without end; a
/// thousand lines is far more than anyone scrolls back through with a key.
pub const MAX_ENTRIES: usize = 1000;

/// Sent lines, oldest first, and where Up and Down have got to.
#[derive(Debug, Default)]
pub struct History {
    entries: Vec<String>,
    /// The entry on show, or `entries.len()` for the line being written.
    at: usize,
    /// What was being written when Up was first pressed, given back by Down at the end.
    draft: String,
}

impl History {
    /// Remembers a sent line (a repeat of the one before is kept once) and goes back to the end.
    pub fn push(&mut self, line: &str) {
        if self.entries.last().map(String::as_str) != Some(line) {
            self.entries.push(line.to_string());
            if self.entries.len() > MAX_ENTRIES {
                self.entries.remove(0);
            }
        }
        self.at = self.entries.len();
        self.draft.clear();
    }

    /// The line sent before the one on show, if any. `current` is what the editor holds now; it is
    /// kept as the draft when leaving the end.
    pub fn older(&mut self, current: &str) -> Option<&str> {
        if self.at == 0 {
            return None;
        }
        if self.at == self.entries.len() {
            self.draft = current.to_string();
        }
        self.at -= 1;
        Some(&self.entries[self.at])
    }

    /// The line sent after the one on show, or the draft after the newest, if Up was pressed before.
    pub fn newer(&mut self) -> Option<&str> {
        if self.at >= self.entries.len() {
            return None;
        }
        self.at += 1;
        Some(self.entries.get(self.at).unwrap_or(&self.draft))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_walk_the_sent_lines_and_come_back_to_the_draft() {
        let mut history = History::default();
        assert_eq!(history.older("x"), None);
        history.push("one");
        history.push("two");
        history.push("two");
        assert_eq!(history.newer(), None);
        assert_eq!(history.older("draft"), Some("two"));
        assert_eq!(history.older("two"), Some("one"));
        assert_eq!(history.older("one"), None);
        assert_eq!(history.newer(), Some("two"));
        assert_eq!(history.newer(), Some("draft"));
        assert_eq!(history.newer(), None);
        history.push("three");
        assert_eq!(history.older(""), Some("three"));
    }

    #[test]
    fn only_the_newest_lines_are_kept() {
        let mut history = History::default();
        for n in 0..MAX_ENTRIES + 5 {
            history.push(&n.to_string());
        }
        let mut oldest = None;
        while let Some(line) = history.older("") {
            oldest = Some(line.to_string());
        }
        assert_eq!(oldest.as_deref(), Some("5"));
    }
}
