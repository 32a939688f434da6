//! The coordinator: one scenario from first connection to last delivery, phase by phase, each
//! phase bounded by `--timeout` so that a server that stalls yields a report, not a hang.
//!
//! The phases, in order:
//! 1. **stall**: the `--stalled` clients connect and send their IDs from this thread, then are
//!    never read again.
//! 2. **join**: one thread per client connects, joins, and reads until it knows every member of
//!    the run. *connect* is until every client has its user list; *join* until every client has
//!    seen every join (about N²/2 lines for the server to deliver).
//! 3. **send**: with `--trickle` or `--churn`, the attack starts ([`crate::attack`]) and, for
//!    a trickle, the senders wait until every attacker has joined once (at most
//!    [`attack::RAMP`]). Then the start signal releases every sender at once; with `--rate`, each
//!    sender's first message is offset by its share of one interval (unless `--lockstep`). The
//!    phase's bound is the time the plan needs at `--rate`, plus the timeout. The attack stops
//!    when the last sender is done.
//! 4. **drain**: every client reads until it has all the messages meant for it.
//! 5. **teardown**: every connection is closed at once and, given `--server-pid`, loadgen waits
//!    for the server to close its ends, so the next scenario starts on a quiet server; with
//!    `--quiet`, it then waits that long and samples the server's memory again.

use crate::args::Options;
use crate::attack::{self, Attack};
use crate::attack_tally::AttackTally;
use crate::client::{self, ClientPlan};
use crate::clock::Clock;
use crate::curve::Curve;
use crate::inbox::{Inbox, Names};
use crate::probe::{self, Probe};
use crate::report::Report;
use crate::sender::SendPlan;
use crate::server_watch;
use crate::signals::{Progress, Signals};
use crate::stats;
use crate::tracker::Tracker;
use crossbeam_channel::{Receiver, Sender};
use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the coordinator waits, after a phase times out, for every client to notice the
/// deadline and hand in its tally: a client looks at the deadline once per [`POLL`].
const GRACE: Duration = Duration::from_secs(2);

/// Runs one scenario and reports it. An error means the run could not start at all.
pub fn run(options: &Options) -> Result<Report, String> {
    let addr = resolve(&options.addr)?;
    let prefix = format!("lg{}-", std::process::id());
    let names = Names::new(&prefix, options.clients, options.stalled);
    let clock = Arc::new(Clock::new(options.timeout));
    let files_before = options.server_pid.and_then(probe::open_files);
    let rss_before = options.server_pid.and_then(probe::sample);
    let probe = match options.server_pid {
        Some(pid) => Some(Probe::start(pid).map_err(|e| format!("starting the probe: {e}"))?),
        None => None,
    };
    let (progress, events) = crossbeam_channel::unbounded();
    // Nothing is ever sent on these two: dropping the sending end is the signal.
    let (start_gate, start) = crossbeam_channel::bounded::<()>(0);
    let (finish_gate, finish) = crossbeam_channel::bounded::<()>(0);
    let signals = Signals {
        clock: Arc::clone(&clock),
        progress,
        start,
        finish,
    };

    let stalled = join_stalled(addr, &names, options.stalled)?;
    let began = clock.now();
    if let Err(error) = spawn_clients(addr, &names, options, signals) {
        clock.stop();
        return Err(error);
    }
    let mut tracker = Tracker::default();
    let attack = || Attack::begin(options, addr, &prefix, &clock);
    let phases = run_phases(options, &clock, attack, &events, start_gate, &mut tracker);
    clock.stop();
    let everyone = options.clients;
    tracker.wait_for(&events, Instant::now() + GRACE, |t| t.finished == everyone);

    let mut report = measure(options, &clock, &tracker, began, phases);
    drop(finish_gate);
    drop(stalled);
    if let (Some(probe), Some(pid)) = (probe, options.server_pid) {
        let before = server_watch::Before {
            files: files_before,
            rss_kib: rss_before.map(|s| s.rss_kib),
        };
        report.server = Some(server_watch::finish(probe, pid, before, options));
    }
    Ok(report)
}

/// What the phases found: how the run ended, when everyone was ready, when sending began, and
/// what the attackers counted, if there were any.
struct Phases {
    status: String,
    join: Option<u64>,
    send_start: Option<u64>,
    attack: Option<AttackTally>,
}

/// `attack` starts the run's attack, if it has one, when the send phase begins.
fn run_phases(
    options: &Options,
    clock: &Clock,
    attack: impl FnOnce() -> Result<Option<Attack>, String>,
    events: &Receiver<Progress>,
    start_gate: Sender<()>,
    tracker: &mut Tracker,
) -> Phases {
    let (n, s) = (options.clients, options.senders);
    let mut phases = Phases {
        status: "ok".into(),
        join: None,
        send_start: None,
        attack: None,
    };
    let failed = |t: &Tracker| !t.errors.is_empty();
    let ready = tracker.wait_for(events, deadline(clock, options.timeout), |t| {
        t.ready == n || failed(t)
    });
    if !ready || failed(tracker) {
        let what = format!("clients ready, {} joined", tracker.joined);
        phases.status = stopped("join", tracker.ready, n, &what, tracker);
        return phases;
    }
    phases.join = Some(clock.now());
    let planned = options.rate.map_or(Duration::ZERO, |rate| {
        Duration::from_secs_f64(options.messages as f64 / rate)
    });
    let ramp = match options.attack.trickle {
        0 => Duration::ZERO,
        _ => attack::RAMP,
    };
    let until = deadline(clock, ramp + planned + options.timeout);
    let attack = match attack() {
        Ok(attack) => attack,
        Err(error) => {
            phases.status = error;
            return phases;
        }
    };
    phases.send_start = Some(clock.now());
    drop(start_gate);
    let sent = tracker.wait_for(events, until, |t| t.senders_done == s);
    phases.attack = attack.map(Attack::stop);
    if !sent {
        phases.status = stopped("send", tracker.senders_done, s, "senders done", tracker);
        return phases;
    }
    let all_in = tracker.wait_for(events, deadline(clock, options.timeout), |t| {
        t.finished == n
    });
    if !all_in || failed(tracker) {
        phases.status = stopped("drain", tracker.finished, n, "clients done", tracker);
    }
    phases
}

/// Moves every thread's deadline to `from_now` and returns it as the coordinator's own.
fn deadline(clock: &Clock, from_now: Duration) -> Instant {
    clock.extend(from_now);
    Instant::now() + from_now
}

fn stopped(phase: &str, done: usize, of: usize, what: &str, tracker: &Tracker) -> String {
    match tracker.errors.len() {
        0 => format!("timed out in phase {phase} ({done} of {of} {what})"),
        // The phase stops at the first failure; the report's `failures` counts all of them.
        _ => format!("a client failed in phase {phase} ({done} of {of} {what}; see failures)"),
    }
}

/// Turns the tracker's totals into the report's numbers.
fn measure(
    options: &Options,
    clock: &Clock,
    tracker: &Tracker,
    began: u64,
    phases: Phases,
) -> Report {
    let since = |stamp: u64| clock.instant(stamp) - clock.instant(began);
    let n = options.clients as u64;
    let expected = options.senders as u64 * options.messages * (n - 1);
    let window = match (phases.send_start, tracker.last_delivery) {
        (Some(start), Some(last)) => clock.instant(last) - clock.instant(start),
        _ => Duration::ZERO,
    };
    Report {
        scenario: options.clone(),
        status: phases.status,
        failures: tracker.errors.len(),
        first_failure: tracker.errors.first().cloned(),
        connect: (tracker.joined == options.clients).then(|| since(tracker.last_joined)),
        join: phases.join.map(since),
        sent: tracker.sent,
        expected,
        received: tracker.received,
        lost: expected.saturating_sub(tracker.received),
        window,
        deliveries_per_s: stats::per_second(tracker.received, window),
        on_time: stats::share_within(&tracker.latencies, stats::ON_TIME, expected),
        latency: stats::summarize(tracker.latencies.clone()),
        curve: Curve::from_nanos(
            &options.label,
            &options.server_name,
            tracker.latencies.clone(),
        ),
        dropped: tracker.most_left,
        attack: phases.attack,
        server: None,
    }
}

/// Connects the clients that never read, and sends their IDs without waiting for a prompt.
fn join_stalled(addr: SocketAddr, names: &Names, count: usize) -> Result<Vec<TcpStream>, String> {
    (0..count)
        .map(|k| {
            let id = names.id(names.total() - count + k);
            let mut stream =
                TcpStream::connect(addr).map_err(|e| format!("stalled client: {e}"))?;
            stream
                .write_all(format!("{id}\n").as_bytes())
                .map_err(|e| format!("stalled client: {e}"))?;
            Ok(stream)
        })
        .collect()
}

/// Starts one thread per reading client; the first `--senders` of them also send.
fn spawn_clients(
    addr: SocketAddr,
    names: &Names,
    options: &Options,
    signals: Signals,
) -> Result<(), String> {
    let (senders, messages) = (options.senders, options.messages);
    for index in 0..options.clients {
        let sends = index < senders;
        let expected = (senders - usize::from(sends)) as u64 * messages;
        let plan = ClientPlan {
            addr,
            id: names.id(index),
            prompt: options.prompt,
            inbox: Inbox::new(names.clone(), index, expected),
            pause: if sends { None } else { options.pause },
            send: sends.then_some(SendPlan {
                index,
                messages,
                rate: options.rate,
                offset: start_offset(options, index),
                size: options.size,
            }),
        };
        client::spawn(plan, signals.clone()).map_err(|e| {
            format!("starting client thread {index}: {e} (too many threads? check ulimit -u)")
        })?;
    }
    Ok(())
}

/// When sender `index` sends its first message, after the start signal: the senders' starts are
/// spread evenly over one interval, so 50 senders at 20/s send one message every millisecond
/// rather than 50 at once every 50 ms. Zero for all in `--lockstep`, or without `--rate`.
fn start_offset(options: &Options, index: usize) -> Duration {
    match options.rate {
        Some(rate) if !options.lockstep => {
            Duration::from_secs_f64(index as f64 / options.senders as f64 / rate)
        }
        _ => Duration::ZERO,
    }
}

/// The first address `--addr` names, preferring IPv4 (`localhost` may list `::1` first).
fn resolve(addr: &str) -> Result<SocketAddr, String> {
    let all: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| format!("--addr {addr}: {e}"))?
        .collect();
    all.iter()
        .find(|a| a.is_ipv4())
        .or(all.first())
        .copied()
        .ok_or_else(|| format!("--addr {addr}: names no address"))
}
