//! What a load-test message carries, and how a receiver reads it back.
//!
//! Each message's text is `<sent> <sender> <seq>` and optional padding, where `<sent>` is the
//! nanoseconds since the load generator's own start ([`crate::clock::Clock`]) when the
//! sender wrote it. Senders and receivers live in the same process, so one monotonic clock serves
//! both ends and a latency is a plain subtraction: no clock sync, no wall-clock jumps.
//!
//! The text is digits, spaces and `x` only: nothing the server sanitizes, trims (beyond the end)
//! or reads as a command, so it arrives exactly as sent on both our server and the Go original.

/// The stamp a sender puts in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Nanoseconds since the load generator's clock started.
    pub sent: u64,
    pub sender: usize,
    pub seq: u64,
}

/// The text of one message, padded with `x` to at least `size` bytes.
pub fn encode(stamp: Stamp, size: usize) -> String {
    let mut text = format!("{} {} {}", stamp.sent, stamp.sender, stamp.seq);
    if text.len() < size {
        text.push(' ');
        while text.len() < size {
            text.push('x');
        }
    }
    text
}

/// Reads a chat line as the server delivers it, `[id]: text`, into the author and the stamp.
/// `None` for any other line, or a message that loadgen did not write.
pub fn decode(line: &str) -> Option<(&str, Stamp)> {
    let (author, text) = line.strip_prefix('[')?.split_once("]: ")?;
    let mut fields = text.split(' ');
    let stamp = Stamp {
        sent: fields.next()?.parse().ok()?,
        sender: fields.next()?.parse().ok()?,
        seq: fields.next()?.parse().ok()?,
    };
    Some((author, stamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAMP: Stamp = Stamp {
        sent: 123_456_789,
        sender: 7,
        seq: 42,
    };

    #[test]
    fn a_stamp_survives_the_round_trip() {
        let text = encode(STAMP, 0);
        assert_eq!(text, "123456789 7 42");
        assert_eq!(decode(&format!("[c7]: {text}")), Some(("c7", STAMP)));
    }

    #[test]
    fn pads_to_the_size_asked_and_still_decodes() {
        let text = encode(STAMP, 512);
        assert_eq!(text.len(), 512);
        assert!(text.ends_with("xxx"));
        assert_eq!(decode(&format!("[a]: {text}")), Some(("a", STAMP)));
    }

    #[test]
    fn ignores_every_other_line() {
        assert_eq!(decode("User c1 joined the chat"), None);
        assert_eq!(decode("** No other users in chat **"), None);
        assert_eq!(decode("[c1]: hello there"), None);
        assert_eq!(decode("[c1]: 1 2"), None);
        assert_eq!(decode("[c1] 1 2 3"), None);
    }
}
