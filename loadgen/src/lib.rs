//! The load generator behind `loadgen` and `make bench`: many real clients over real sockets,
//! counting every delivery and timing each one.
//!
//! Threads, named like the server's: one `client-<id>` thread per reading client, blocked in
//! `read` most of its life; one `sender-<n>` thread per sending client, writing on a clone of
//! the same socket; a `probe` thread sampling the server's `/proc` entry; and the coordinator
//! (the caller of [`run::run`]) waiting on one channel of [`signals::Progress`]. With an attack
//! (`--trickle`, `--churn`), the attackers' threads too: see [`attack`].
//!
//! Why a thread per client rather than one thread multiplexing sockets: std has no readiness
//! API (`epoll`) and the project takes no async runtime, and a blocked thread costs only its
//! stack. With 128 KiB stacks ([`signals::THREAD_STACK`]), 10,000 clients fit easily in memory;
//! the price is that loadgen's own scheduling shows up in the measured latency, on the same
//! cores as the server. The numbers in docs/performance.md should be read with that in mind.
//!
//! Layout, in the order a run uses them:
//! - [`args`]: the command line.
//! - [`run`]: the coordinator and its phases, each bounded by `--timeout`.
//! - [`clock`]: the shared clock, stop flag and phase deadline.
//! - [`client`]: one reading client's thread. [`inbox`]: what it makes of each line.
//! - [`sender`]: one sending client's writer thread. [`payload`]: the stamp in each message.
//! - [`signals`]: what every client and sender thread shares with the coordinator.
//! - [`tracker`]: the coordinator's running totals.
//! - [`attack`]: members who use the server's limits against the room while the others
//!   measure it; [`attack_args`] their options. [`trickle`]: one that reads slowly and comes
//!   back when dropped. [`churn`]: waves of members that paste and never read.
//!   [`source`]: the loopback addresses they connect from. [`attack_shared`]: what they share
//!   with the coordinator. [`attack_tally`]: what they counted.
//! - [`probe`]: the server's RSS, threads and open files, from `/proc`. [`server_watch`]: what
//!   the server used during the run, and its memory after a quiet pause.
//! - [`stats`]: percentiles and rates. [`report`]: one run's results as a table or JSON.
//! - [`saved`]: the runs and curves loadgen saved, read back.
//! - [`table`]: several saved runs, ours and the Go original's, as one table with ratios.
//!   [`medians`]: a scenario run several times, as one row of medians and its spread.
//! - [`curve`]: a run's latency distribution, saved with `--latencies`. [`plot`]: curves drawn
//!   as an SVG picture (`--plot`), with `plotters`.

pub mod args;
pub mod attack;
pub mod attack_args;
pub mod attack_shared;
pub mod attack_tally;
pub mod churn;
pub mod client;
pub mod clock;
pub mod curve;
pub mod inbox;
pub mod medians;
pub mod payload;
pub mod plot;
pub mod probe;
pub mod report;
pub mod run;
pub mod saved;
pub mod sender;
pub mod server_watch;
pub mod signals;
pub mod source;
pub mod stats;
pub mod table;
pub mod tracker;
pub mod trickle;
