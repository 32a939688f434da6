//! Numbered chat lines: what a test sends (`pasted`), and a check that each author's lines arrive
//! 0, 1, 2, ... once each (`InOrder`), for the tests where lines from several talkers interleave.

use super::Client;
use std::collections::HashMap;
use std::thread;
use std::time::Duration;

/// Line `n` of a paste, about `bytes` long.
pub fn pasted(n: usize, bytes: usize) -> String {
    format!("{n} {}", "x".repeat(bytes - 8))
}

/// Who sent a chat line, and its number.
pub fn author_and_number(line: &str) -> (String, usize) {
    let (author, text) = line
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("]: "))
        .unwrap_or_else(|| panic!("not a chat line: {line:.80}"));
    let number = text.split(' ').next().unwrap().parse().unwrap();
    (author.to_string(), number)
}

/// Checks chat lines as they arrive: each author's numbers come 0, 1, 2, ... once each.
#[derive(Default)]
pub struct InOrder {
    next: HashMap<String, usize>,
}

impl InOrder {
    pub fn take(&mut self, line: &str) {
        let (author, number) = author_and_number(line);
        let next = self.next.entry(author.clone()).or_default();
        assert_eq!(number, *next, "from {author}: lost or reordered");
        *next += 1;
    }

    pub fn total(&self) -> usize {
        self.next.values().sum()
    }
}

/// The talker says numbered lines of 1,000 bytes, `pace` apart, each read back by `reader` before
/// the next (so the room moves at the reader's pace), until `reader` hears that `who` left.
/// Returns how many lines were said; the last one is still on its way to `reader`.
pub fn talk_until_left(
    talker: &mut Client,
    reader: &mut Client,
    who: &str,
    in_order: &mut InOrder,
    pace: Duration,
) -> usize {
    let notice = format!("User {who} left the chat");
    let mut said = 0;
    loop {
        talker.send(&pasted(said, 1000));
        said += 1;
        let line = reader.read_line();
        if line == notice {
            return said;
        }
        in_order.take(&line);
        thread::sleep(pace); // The room's pace, not a synchronisation.
    }
}
