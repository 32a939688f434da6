//! Reading lines from a peer without trusting it.
//!
//! Go counterpart: `bufio.Reader.ReadString('\n')`, which keeps growing its buffer until a newline
//! arrives. A peer that sends bytes and never a newline makes the Go original's memory grow without
//! bound. Here a line is read through `BufRead::fill_buf` and `consume`, and at most `max_bytes`
//! of it are kept: the rest is read and thrown away up to the next newline, so one connection never
//! holds more than its buffer plus one maximal line, whatever the peer sends.

use std::io::{self, BufRead};

/// What one call to [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A complete line, without its `\n` or `\r\n`, still as raw bytes (it may not be UTF-8).
    Complete(Vec<u8>),
    /// A line longer than the limit. Its bytes were discarded up to and including its newline.
    TooLong,
    /// The peer closed its side. Bytes after the last newline count as a final line, so a peer
    /// that sends `bye` and hangs up is still heard.
    End,
}

/// Reads the next line, keeping at most `max_bytes` of it (the line ending not counted).
pub fn read_line(reader: &mut impl BufRead, max_bytes: usize) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(finish_at_end(line, too_long, max_bytes));
        }
        let (chunk, found_newline) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], true),
            None => (available, false),
        };
        // One byte of slack for the `\r` of a `\r\n` ending, which is not part of the line.
        if !too_long && line.len() + chunk.len() <= max_bytes + 1 {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line = Vec::new();
        }
        let used = chunk.len() + usize::from(found_newline);
        reader.consume(used);
        if found_newline {
            return Ok(finish(line, too_long, max_bytes));
        }
    }
}

fn finish(mut line: Vec<u8>, too_long: bool, max_bytes: usize) -> Line {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if too_long || line.len() > max_bytes {
        Line::TooLong
    } else {
        Line::Complete(line)
    }
}

fn finish_at_end(line: Vec<u8>, too_long: bool, max_bytes: usize) -> Line {
    if line.is_empty() || too_long {
        return Line::End;
    }
    match finish(line, false, max_bytes) {
        Line::Complete(last) => Line::Complete(last),
        _ => Line::End,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn lines(input: &[u8], max: usize) -> Vec<Line> {
        // A tiny buffer makes every line span several `fill_buf` calls.
        let mut reader = BufReader::with_capacity(3, input);
        let mut out = Vec::new();
        loop {
            let line = read_line(&mut reader, max).expect("reading a slice cannot fail");
            let end = line == Line::End;
            out.push(line);
            if end {
                return out;
            }
        }
    }

    fn complete(s: &str) -> Line {
        Line::Complete(s.as_bytes().to_vec())
    }

    #[test]
    fn splits_on_newline_and_strips_carriage_return() {
        assert_eq!(
            lines(b"hello\r\nworld\n\n", 10),
            vec![
                complete("hello"),
                complete("world"),
                complete(""),
                Line::End
            ]
        );
    }

    #[test]
    fn a_line_at_the_limit_passes_and_one_byte_more_does_not() {
        assert_eq!(
            lines(b"12345\n12345\r\n123456\nok\n", 5),
            vec![
                complete("12345"),
                complete("12345"),
                Line::TooLong,
                complete("ok"),
                Line::End
            ]
        );
    }

    #[test]
    fn keeps_an_unterminated_last_line_unless_it_is_too_long() {
        assert_eq!(lines(b"bye", 5), vec![complete("bye"), Line::End]);
        assert_eq!(lines(b"far too long", 5), vec![Line::End]);
    }
}
