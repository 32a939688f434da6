//! Flood control by pacing: a client that sends lines faster than a person can is slowed down,
//! never cut off, and loses nothing.
//!
//! Go counterpart: none. The original relays `yes | nc HOST 5000` as fast as it can read it, and
//! every other terminal scrolls a wall of `[bob]: y`. Here each joined client's thread keeps a
//! token bucket: `--burst` lines may arrive at once, then `--max-rate` lines a second. A line over
//! the rate is still relayed, but the thread waits before it reads the next one. The flooder's
//! lines then pile up in its socket buffers until TCP stops it sending: the back-pressure lands on
//! the flooder alone, and everyone else's lines go through the channel as before. (ergo, the IRC
//! server, calls this "fakelag".)
//!
//! Bytes are paced too: a line longer than `--max-line` is thrown away as it arrives, and each
//! [`crate::line_reader::DISCARD_CHUNK`] of it costs a token of a second bucket
//! ([`Pacer::bytes_discarded`]). Unpaced, one client streaming without a newline cost the server
//! 18.5 s of CPU in 20 s, reading and discarding 13.6 GiB.
//!
//! The clock is passed in (`now`), so the unit tests below run the bucket through minutes of
//! traffic without sleeping.

use std::time::{Duration, Instant};

/// Chunks of over-long lines (of [`crate::line_reader::DISCARD_CHUNK`], 64 KiB) a client may have
/// thrown away at once: 16 MiB, so a 10 MB paste without a newline is refused with no wait.
pub const DISCARD_BURST: u32 = 256;

/// Chunks of over-long lines thrown away a second after [`DISCARD_BURST`]: 1 MiB a second, which
/// costs the server well under 1% of a core, and leaves no reason for anyone to send more. Not
/// turned off by `--max-rate 0`: it bounds CPU, where `--max-rate` shapes a conversation.
pub const DISCARDED_CHUNKS_PER_SECOND: u32 = 16;

/// A token bucket, kept as the time at which it will be full again (the "theoretical arrival
/// time" of GCRA): each line pushes that time one `interval` later, and a line that would push it
/// more than `capacity` past now must wait for the difference. Durations rather than fractional
/// tokens, so no rounding accumulates.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    /// What one line costs: `1 / rate` seconds.
    interval: Duration,
    /// How far ahead of now `full_at` may run before a line must wait: `burst` intervals.
    capacity: Duration,
    /// When the bucket is full again if no more lines arrive; in the past when it already is.
    full_at: Instant,
}

impl TokenBucket {
    /// A full bucket allowing `burst` lines at once and `rate` a second after that, or `None`
    /// when `rate` is 0 (pacing is off). A `burst` of 0 is taken as 1: the first line always goes.
    pub fn new(rate: u32, burst: u32, now: Instant) -> Option<TokenBucket> {
        if rate == 0 {
            return None;
        }
        let interval = Duration::from_secs(1) / rate;
        Some(TokenBucket {
            interval,
            capacity: interval * burst.max(1),
            full_at: now,
        })
    }

    /// Takes one line's token at `now`. Returns how long to wait before reading the next line:
    /// zero while the burst lasts, and never more than one interval.
    pub fn take(&mut self, now: Instant) -> Duration {
        self.full_at = self.full_at.max(now) + self.interval;
        let ahead = self.full_at.saturating_duration_since(now);
        ahead.saturating_sub(self.capacity)
    }
}

/// What a client thread does after each line: its bucket, and whether the client has been told.
#[derive(Debug, Clone)]
pub struct Pacer {
    bucket: Option<TokenBucket>,
    told: bool,
    /// Chunks of over-long lines thrown away.
    discards: TokenBucket,
}

/// The pacer's verdict on one line.
#[derive(Debug, PartialEq, Eq)]
pub enum Pace {
    /// Read the next line at once.
    Go,
    /// Wait this long before reading the next line; `tell` is true the first time only, when the
    /// client should hear [`crate::protocol::SENDING_TOO_FAST`].
    Wait { delay: Duration, tell: bool },
}

impl Pacer {
    /// `rate` lines a second after a `burst`; `rate` 0 never waits.
    pub fn new(rate: u32, burst: u32, now: Instant) -> Pacer {
        Pacer {
            bucket: TokenBucket::new(rate, burst, now),
            told: false,
            discards: TokenBucket::new(DISCARDED_CHUNKS_PER_SECOND, DISCARD_BURST, now)
                .expect("the discard rate is not 0"),
        }
    }

    /// Counts one [`crate::line_reader::DISCARD_CHUNK`] of an over-long line thrown away at
    /// `now`; returns how long to wait before reading on. Nobody is told: the line's end brings
    /// the "line too long" notice.
    pub fn bytes_discarded(&mut self, now: Instant) -> Duration {
        self.discards.take(now)
    }

    /// Counts one line read at `now`.
    pub fn line_read(&mut self, now: Instant) -> Pace {
        let Some(bucket) = &mut self.bucket else {
            return Pace::Go;
        };
        let delay = bucket.take(now);
        if delay.is_zero() {
            return Pace::Go;
        }
        let tell = !self.told;
        self.told = true;
        Pace::Wait { delay, tell }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_burst_passes_then_each_line_waits_one_interval() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(10, 3, start).expect("rate 10 is on");
        for _ in 0..3 {
            assert_eq!(bucket.take(start), Duration::ZERO);
        }
        assert_eq!(bucket.take(start), 100 * MS);
        // The thread waited those 100 ms; the next line costs one interval more.
        assert_eq!(bucket.take(start + 100 * MS), 100 * MS);
        assert_eq!(bucket.take(start + 200 * MS), 100 * MS);
    }

    #[test]
    fn a_flood_is_held_to_the_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(5, 50, start).expect("rate 5 is on");
        let mut now = start;
        for _ in 0..1050 {
            now += bucket.take(now);
        }
        // 50 lines free, then each of 1,000 more followed by a wait of 1/5 s: 200 s.
        assert_eq!(now - start, Duration::from_secs(200));
    }

    #[test]
    fn a_pause_refills_the_bucket_but_never_beyond_the_burst() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(10, 3, start).expect("rate 10 is on");
        for _ in 0..3 {
            bucket.take(start);
        }
        // 200 ms later two tokens are back: two lines pass, the third waits.
        let later = start + 200 * MS;
        assert_eq!(bucket.take(later), Duration::ZERO);
        assert_eq!(bucket.take(later), Duration::ZERO);
        assert_eq!(bucket.take(later), 100 * MS);
        // After an hour of silence the bucket holds `burst` tokens, not an hour's worth.
        let hour = later + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(bucket.take(hour), Duration::ZERO);
        }
        assert_eq!(bucket.take(hour), 100 * MS);
    }

    #[test]
    fn rate_zero_is_off() {
        let start = Instant::now();
        assert!(TokenBucket::new(0, 10, start).is_none());
        let mut pacer = Pacer::new(0, 10, start);
        for _ in 0..100_000 {
            assert_eq!(pacer.line_read(start), Pace::Go);
        }
    }

    #[test]
    fn the_client_is_told_once() {
        let start = Instant::now();
        let mut pacer = Pacer::new(10, 1, start);
        assert_eq!(pacer.line_read(start), Pace::Go);
        let first = pacer.line_read(start);
        assert_eq!(
            first,
            Pace::Wait {
                delay: 100 * MS,
                tell: true
            }
        );
        let second = pacer.line_read(start + 100 * MS);
        assert_eq!(
            second,
            Pace::Wait {
                delay: 100 * MS,
                tell: false
            }
        );
    }

    #[test]
    fn discarded_bytes_are_paced_even_with_pacing_off() {
        let start = Instant::now();
        let mut pacer = Pacer::new(0, 10, start);
        let mut now = start;
        for _ in 0..DISCARD_BURST {
            assert_eq!(pacer.bytes_discarded(now), Duration::ZERO);
        }
        for _ in 0..DISCARDED_CHUNKS_PER_SECOND * 10 {
            now += pacer.bytes_discarded(now);
        }
        assert_eq!(now - start, Duration::from_secs(10));
    }
}
