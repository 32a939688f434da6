//! Every "Try" of docs/steps.md, run as written: the commands are read from the chapter (the
//! indented block after each step's `Try`), each runs in a shell of its own with netcat-openbsd's
//! `nc`, against a fresh server of its step on a free port (the chapter's `5000` replaced by it),
//! and the test checks what the text says it shows. Where the text says "type Sarah" or
//! "Ctrl-Z", the test types the line or sends `SIGSTOP`; it changes nothing else.
//!
//! Without `nc` (or with another netcat, whose `-q` differs) the tests print
//! `skipped: nc not installed`; `.ci/run` installs netcat-openbsd. Without Go, the Go original's
//! run of step 1's Try is skipped (`skipped: go not installed`).

mod subjects;

use crossbeam_channel::RecvTimeoutError;
use std::process::Command;
use std::time::{Duration, Instant};
use subjects::common::program::Program;
use subjects::common::{Client, LINE_TIMEOUT};
use subjects::shell::Shell;
use subjects::{Limits, Running, Subject, start};

/// How long Sarah's screen must stay still for the room to count as frozen. Generous against a
/// busy machine: a room that is not frozen sends her the next line in microseconds.
const FREEZE_WAIT: Duration = Duration::from_secs(3);

/// The lines Paster pastes in step 1's Try (`seq 1 300000`), which the text quotes.
const PASTED: usize = 300_000;

/// How long a paste that goes through may take to end: `nc -q 5` waits 5 s after its last line,
/// and a debug build on a shared machine delivers 300,000 lines to three readers in a few more.
const PASTE_END: Duration = Duration::from_secs(60);

/// How long the first Omar of step 2's Try stays (`sleep 10`), and so how long Sarah may wait for
/// his leave, with a line's timeout to spare.
const OMAR_STAYS: Duration = Duration::from_secs(10);

/// How long the ghost is listened to, after a witness in the same room has received Sarah's
/// `hello`: the broadcaster was already at it.
const GHOST_WAIT: Duration = Duration::from_millis(300);

/// The size of step 4's line (`head -c 10000000`), which the text quotes.
const LINE_BYTES: u64 = 10_000_000;

/// Step 1: Sleepy's Ctrl-Z freezes the room during Paster's paste, in the mirror and in the Go
/// original alike, and `fg` brings it back.
#[test]
fn step_1_a_stopped_reader_freezes_the_room_until_fg() {
    let Some(commands) = tries(1) else { return };
    for subject in [Subject::Step(1), Subject::Go] {
        let Some((_server, addr)) = start(subject, Limits::NONE) else {
            continue; // Without Go (it said skipped).
        };
        let port = addr.port();
        let (sarah, sleepy) = sarah_and_sleepy(&commands, port);
        sleepy.stop();
        let paster = Shell::start(&commands[2], port);
        let seen = paster_lines(&sarah, FREEZE_WAIT).pasted;
        println!(
            "{subject:?}: Sarah saw {seen} of {PASTED} lines, then nothing for {FREEZE_WAIT:?}"
        );
        assert!(seen < PASTED, "{subject:?}: the room never froze");
        assert!(
            !paster.ends_within(Duration::ZERO),
            "{subject:?}: the paste ended"
        );
        sleepy.resume();
        sarah.wait_for(&format!("[Paster]: {PASTED}"), LINE_TIMEOUT);
        assert!(
            paster.ends_within(PASTE_END),
            "{subject:?}: the paste never ended"
        );
    }
}

/// Step 2: the second Omar is a ghost on step 1 (let in, deleted by the first Omar's leave, and
/// deaf to Sarah's `hello` while connected) and refused on step 2.
#[test]
fn step_2_the_second_omar_is_a_ghost_on_step_1_and_refused_on_step_2() {
    let Some(commands) = tries(2) else { return };
    assert_eq!(commands.len(), 3, "{commands:#?}");
    for step in [1, 2] {
        let (server, addr) = start(Subject::Step(step), Limits::NONE).expect("a step");
        let Running::Process(log) = server else {
            panic!("a step runs as a process")
        };
        let port = addr.port();
        let mut sarah = Shell::start(&commands[0], port);
        sarah.type_line("Sarah");
        sarah.wait_for("users in chat", LINE_TIMEOUT);
        let _omar = Shell::start(&commands[1], port);
        let omar_joined = Instant::now();
        sarah.wait_for("User Omar joined the chat", LINE_TIMEOUT);
        let second = Shell::start(&commands[2], port);
        if step == 2 {
            second.wait_for("** ID 'Omar' is already taken **", LINE_TIMEOUT);
            continue;
        }
        let users = second.wait_for("** Current users in chat:", LINE_TIMEOUT);
        assert!(users.contains("Omar"), "the first Omar is listed: {users}");
        sarah.wait_for("User Omar joined the chat", LINE_TIMEOUT);
        sarah.wait_for("User Omar left the chat", OMAR_STAYS + LINE_TIMEOUT);
        // The first Omar's: his `nc` cannot end before his `sleep` does. (A second Omar who left
        // at once would be seen leaving here, long before.)
        assert!(omar_joined.elapsed() >= OMAR_STAYS, "an Omar left early");
        // Not in the Try: a witness, to know when Sarah's line has been broadcast.
        let (mut witness, _) = Client::join(addr, "Witness");
        sarah.type_line("hello");
        witness.expect("[Sarah]: hello");
        match second.program.line_within(GHOST_WAIT) {
            Err(RecvTimeoutError::Timeout) => {} // Deaf.
            Err(RecvTimeoutError::Disconnected) => panic!("the second Omar's nc has ended"),
            Ok(line) => panic!("the ghost got {line:?}"),
        }
        // And connected all along: the server logs his leave only once the test ends his `nc`.
        drop(second);
        let log = log_until_second(&log, "[SERVER] User 'Omar' left the chat");
        assert_eq!(
            log.iter().rev().nth(1).map(String::as_str),
            Some("[SERVER] User 'Witness' joined the chat"),
            "{log:#?}"
        );
    }
}

/// Step 3, with step 1's commands: Sleepy is dropped, the room goes on, and the paste ends by
/// itself. Sarah either reads to the end or, now and then, is dropped too although she read all
/// along: the "notice this" of the text, which the server's log names. The test says which.
#[test]
fn step_3_drops_sleepy_and_the_room_goes_on() {
    let Some(commands) = tries(1) else { return };
    let (server, addr) = start(Subject::Step(3), Limits::NONE).expect("step 3");
    let Running::Process(log) = server else {
        panic!("step 3 runs as a process")
    };
    let port = addr.port();
    let (sarah, sleepy) = sarah_and_sleepy(&commands, port);
    sleepy.stop();
    let paster = Shell::start(&commands[2], port);
    let Seen {
        pasted: seen,
        sleepy_left,
    } = paster_lines(&sarah, FREEZE_WAIT);
    assert!(paster.ends_within(PASTE_END), "the paste never ended");
    let log = log_until(&log, "[SERVER] User 'Paster' left the chat");
    assert!(
        log.contains(&"[SERVER] User 'Sleepy' dropped: not reading".to_string()),
        "{log:#?}"
    );
    let sarah_dropped = log.contains(&"[SERVER] User 'Sarah' dropped: not reading".to_string());
    assert!(
        (seen == PASTED && sleepy_left) || sarah_dropped,
        "Sarah saw {seen} lines (Sleepy's leave: {sleepy_left}) and was not dropped"
    );
    println!("Sarah saw {seen} of {PASTED} lines; dropped too: {sarah_dropped}");
}

/// The real server, with step 1's commands and pacing off (`make server ARGS="--max-rate 0"`):
/// Sleepy alone is dropped, and Sarah reads on to the last line.
#[test]
fn step_3_the_real_server_drops_sleepy_alone() {
    let Some(commands) = tries(1) else { return };
    let (_server, addr) = start(Subject::Ours, Limits::NONE).expect("ours");
    let port = addr.port();
    let (sarah, sleepy) = sarah_and_sleepy(&commands, port);
    sleepy.stop();
    let paster = Shell::start(&commands[2], port);
    let (mut seen, mut sleepy_left) = (0, false);
    while seen < PASTED || !sleepy_left {
        let line = sarah.line(LINE_TIMEOUT);
        if line == "User Sleepy left the chat" {
            sleepy_left = true;
        } else if let Some(number) = line.strip_prefix("[Paster]: ") {
            seen += 1;
            assert_eq!(number, seen.to_string(), "Sarah's lines in order");
        }
    }
    assert!(paster.ends_within(PASTE_END), "the paste never ended");
}

/// Step 4: a line of 10 MB costs step 3 more than the line at its peak, and step 4 less than it.
#[test]
fn step_4_a_long_line_costs_step_3_its_length_and_step_4_nothing() {
    let Some(commands) = tries(4) else { return };
    assert_eq!(commands.len(), 1, "{commands:#?}");
    assert!(commands[0].contains(&format!("head -c {LINE_BYTES} ")));
    for step in [3, 4] {
        let (server, addr) = start(Subject::Step(step), Limits::NONE).expect("a step");
        let Running::Process(log) = server else {
            panic!("a step runs as a process")
        };
        let liner = Shell::start(&commands[0], addr.port());
        assert!(liner.ends_within(PASTE_END), "the line was never sent");
        log_until(&log, "[SERVER] User 'Liner' left the chat");
        let peak = peak_memory(log.pid());
        println!("step {step}: peak memory {peak} bytes for a line of {LINE_BYTES}");
        if step == 3 {
            assert!(peak > LINE_BYTES, "step 3 holds the whole line: {peak}");
        } else {
            assert!(peak < LINE_BYTES, "step 4 keeps 4 KiB of it: {peak}");
        }
    }
}

/// The commands of the Try in `## Step N`, or `None` (after saying so) without netcat-openbsd.
fn tries(step: usize) -> Option<Vec<String>> {
    let commands = try_commands(&read_chapter(), step);
    assert!(!commands.is_empty(), "step {step} has a Try with commands");
    nc_installed().then_some(commands)
}

/// The indented block after the first line starting with `Try` in the section `## Step N:`, one
/// command a line, without its `# comment`.
fn try_commands(chapter: &str, step: usize) -> Vec<String> {
    let heading = format!("## Step {step}:");
    let chapter = format!("\n{chapter}");
    let section = chapter
        .split("\n## ")
        .find(|section| format!("## {section}").starts_with(&heading))
        .unwrap_or_else(|| panic!("docs/steps.md has no {heading:?}"));
    let after_try = section
        .split("\nTry")
        .nth(1)
        .unwrap_or_else(|| panic!("{heading} has no Try"));
    after_try
        .lines()
        .skip_while(|line| !line.starts_with("    "))
        .take_while(|line| line.starts_with("    "))
        .map(|line| line.split(" # ").next().unwrap_or(line).trim().to_string())
        .collect()
}

fn read_chapter() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/steps.md");
    std::fs::read_to_string(path).expect("docs/steps.md")
}

/// netcat-openbsd's `nc`, the README's: its `-h` says so. Another netcat's `-q` differs.
fn nc_installed() -> bool {
    let help = Command::new("nc").arg("-h").output();
    let found = help.is_ok_and(|out| String::from_utf8_lossy(&out.stderr).contains("OpenBSD"));
    if !found {
        println!("skipped: nc not installed (apt-get install -y netcat-openbsd)");
    }
    found
}

/// Step 1's first two commands: Sarah joins and watches, Sleepy joins after her.
fn sarah_and_sleepy(commands: &[String], port: u16) -> (Shell, Shell) {
    assert_eq!(commands.len(), 3, "{commands:#?}");
    assert!(commands[2].contains(&format!("seq 1 {PASTED})")));
    let mut sarah = Shell::start(&commands[0], port);
    sarah.type_line("Sarah");
    // Her user list comes once she is in the room, and so sees who joins next.
    sarah.wait_for("users in chat", LINE_TIMEOUT);
    let mut sleepy = Shell::start(&commands[1], port);
    sleepy.type_line("Sleepy");
    sarah.wait_for("User Sleepy joined the chat", LINE_TIMEOUT);
    (sarah, sleepy)
}

/// What Sarah's screen shows before it stays still for `still` (or she has every line).
struct Seen {
    /// Paster's lines.
    pasted: usize,
    /// Whether `User Sleepy left the chat` was among them.
    sleepy_left: bool,
}

fn paster_lines(sarah: &Shell, still: Duration) -> Seen {
    let mut seen = Seen {
        pasted: 0,
        sleepy_left: false,
    };
    while seen.pasted < PASTED {
        match sarah.program.line_within(still) {
            Ok(line) if line.starts_with("[Paster]: ") => seen.pasted += 1,
            Ok(line) => seen.sleepy_left |= line == "User Sleepy left the chat",
            Err(_) => break,
        }
    }
    seen
}

/// A step server's log lines up to and including `last`.
fn log_until(server: &Program, last: &str) -> Vec<String> {
    let mut lines = Vec::new();
    while lines.last().is_none_or(|line| line != last) {
        lines.push(server.read_line());
    }
    lines
}

/// A step server's log lines up to the second `line`.
fn log_until_second(server: &Program, line: &str) -> Vec<String> {
    let mut lines = log_until(server, line);
    lines.extend(log_until(server, line));
    lines
}

/// A process's peak resident memory in bytes (`VmHWM` in /proc, what the Try's `grep` reads).
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc (Linux)");
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|number| number.trim().parse::<u64>().ok())
        .expect("a VmHWM line in kB");
    kib * 1024
}

/// The reader of the chapter finds each step's commands, without their comments.
#[test]
fn the_commands_of_a_try_are_read_without_their_comments() {
    let chapter = "## Step 1: one\n\ntext\n\nTry it:\n\n    nc 127.0.0.1 5000   # Sarah\n    \
                   seq 1 | nc 127.0.0.1 5000\n\nmore\n\n    not this\n\n## Step 2: two\n";
    assert_eq!(
        try_commands(chapter, 1),
        ["nc 127.0.0.1 5000", "seq 1 | nc 127.0.0.1 5000"]
    );
}
