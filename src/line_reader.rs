//! Reading lines from a peer without trusting it.
//!
//! Go counterpart: `bufio.Reader.ReadString('\n')`, which keeps growing its buffer until a newline
//! arrives. A peer that sends bytes and never a newline makes the Go original's memory grow without
//! bound. Here a line is read through `BufRead::fill_buf` and `consume`, and at most `max_bytes`
//! of it are kept: the rest is read and thrown away up to the next newline, so one connection never
//! holds more than its buffer plus one maximal line, whatever the peer sends.
//!
//! Throwing bytes away still costs a read for each buffer of them: one client streaming without a
//! newline had 13.6 GiB read and discarded in 20 s, 18.5 s of server CPU. So the reader stops
//! every [`DISCARD_CHUNK`] bytes thrown away ([`Line::Discarded`]), and the client's thread paces
//! those as it paces lines ([`crate::pacing::Pacer::bytes_discarded`]); the [`LineReader`]
//! remembers that it is in the middle of an over-long line until its newline comes.

use std::io::{self, BufRead, BufReader, Read};

/// Bytes of an over-long line thrown away between two [`Line::Discarded`]: the unit in which
/// discarding is paced. 64 KiB is 64 reads of the server's buffer, a few microseconds of work.
pub const DISCARD_CHUNK: usize = 64 * 1024;

/// What one call to [`LineReader::read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A complete line, without its `\n` or `\r\n`, still as raw bytes (it may not be UTF-8).
    Complete(Vec<u8>),
    /// A line longer than the limit. Its bytes were discarded up to and including its newline.
    TooLong,
    /// [`DISCARD_CHUNK`] more bytes of a line longer than the limit were thrown away, and its
    /// newline has not come yet: the next read goes on throwing it away.
    Discarded,
    /// The peer closed its side. Bytes after the last newline count as a final line, so a peer
    /// that sends `bye` and hangs up is still heard.
    End,
}

/// A peer's bytes, read line by line, keeping at most `max_bytes` of each line (the line ending
/// not counted).
pub struct LineReader<R> {
    reader: BufReader<R>,
    max_bytes: usize,
    /// True while an over-long line is being thrown away: kept between calls, because a
    /// [`Line::Discarded`] returns before the line's newline.
    discarding: bool,
}

impl<R: Read> LineReader<R> {
    /// Reads `inner` through a buffer of `capacity` bytes.
    pub fn new(inner: R, capacity: usize, max_bytes: usize) -> LineReader<R> {
        LineReader {
            reader: BufReader::with_capacity(capacity, inner),
            max_bytes,
            discarding: false,
        }
    }

    pub fn get_mut(&mut self) -> &mut R {
        self.reader.get_mut()
    }

    /// Reads the next line, or the next [`DISCARD_CHUNK`] of an over-long one.
    pub fn read_line(&mut self) -> io::Result<Line> {
        let mut line = Vec::new();
        let mut discarded = 0;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(finish_at_end(line, self.discarding, self.max_bytes));
            }
            let (chunk, found_newline) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (&available[..at], true),
                None => (available, false),
            };
            // One byte of slack for the `\r` of a `\r\n` ending, which is not part of the line.
            if !self.discarding && line.len() + chunk.len() <= self.max_bytes + 1 {
                line.extend_from_slice(chunk);
            } else {
                self.discarding = true;
                discarded += line.len() + chunk.len();
                line = Vec::new();
            }
            let used = chunk.len() + usize::from(found_newline);
            self.reader.consume(used);
            if found_newline {
                let too_long = std::mem::take(&mut self.discarding);
                return Ok(finish(line, too_long, self.max_bytes));
            }
            if discarded >= DISCARD_CHUNK {
                return Ok(Line::Discarded);
            }
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

    fn lines(input: &[u8], max: usize) -> Vec<Line> {
        // A tiny buffer makes every line span several `fill_buf` calls.
        let mut reader = LineReader::new(input, 3, max);
        let mut out = Vec::new();
        loop {
            let line = reader.read_line().expect("reading a slice cannot fail");
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

    /// A line without end comes back as a `Discarded` for every `DISCARD_CHUNK` thrown away, so
    /// its reader can be paced, then as one `TooLong` at its newline; the next line is whole.
    #[test]
    fn an_endless_line_is_discarded_a_chunk_at_a_time() {
        let mut input = vec![b'x'; 3 * DISCARD_CHUNK + 10];
        input.extend_from_slice(b"\nok\n");
        let mut reader = LineReader::new(&input[..], 1024, 100);
        for _ in 0..3 {
            assert_eq!(reader.read_line().unwrap(), Line::Discarded);
        }
        assert_eq!(reader.read_line().unwrap(), Line::TooLong);
        assert_eq!(reader.read_line().unwrap(), complete("ok"));
        assert_eq!(reader.read_line().unwrap(), Line::End);
    }
}
