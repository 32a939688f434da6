//! The flaws of the Go original, provoked on every server the course compares: the Go original,
//! each step's binary and ours (`src/`, in-process), over real sockets. What happened is
//! compared with [`FLAWS`], the table docs/steps.md prints, and a test checks that the two agree:
//! the course's table is measured, not asserted. (The chat they all share is in `chat.rs`.)
//!
//! Without Go, the Go original's column is skipped (`skipped: go not installed`) and the rest
//! run. Every wait for silence is a named constant below with its reason.

mod subjects;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use subjects::common::{self, Arrival, Client, kernel_capacity};
use subjects::provoke::{FREEZE_WAIT, a_newcomers_first_line, paced_talker};
use subjects::{COLUMNS, Limits, SUBJECTS, room, start};

/// Each flaw of the Go original, and what each server does with it, in the order of
/// [`SUBJECTS`]. The tests below provoke each flaw and assert these outcomes; docs/steps.md
/// prints this table, row for row.
const FLAWS: [(&str, [&str; 6]); 8] = [
    (
        "a client stops reading",
        [
            "room freezes",
            "room freezes",
            "room freezes",
            "it is dropped",
            "it is dropped",
            "it is dropped",
        ],
    ),
    (
        "a newcomer's user list",
        [
            "may come late",
            "may come late",
            "first",
            "first",
            "first",
            "first",
        ],
    ),
    (
        "a second Omar joins",
        ["ghost", "ghost", "refused", "refused", "refused", "refused"],
    ),
    (
        "a 1 MiB line",
        [
            "sent whole",
            "sent whole",
            "sent whole",
            "sent whole",
            "cut to 4 KiB",
            "refused",
        ],
    ),
    (
        "escape codes in a message",
        [
            "forwarded",
            "forwarded",
            "forwarded",
            "forwarded",
            "removed",
            "removed",
        ],
    ),
    (
        "an empty ID",
        [
            "accepted", "accepted", "accepted", "accepted", "refused", "refused",
        ],
    ),
    (
        "no ID, ever",
        [
            "kept open",
            "kept open",
            "kept open",
            "kept open",
            "closed",
            "closed",
        ],
    ),
    (
        "one connection too many",
        [
            "served",
            "served",
            "served",
            "served",
            "told it is full",
            "told it is full",
        ],
    ),
];

/// The ID timeout given to the servers that have one (step 4's `-id-timeout`, ours'
/// `--id-timeout`), and how long a silent connection is watched: four times as long.
const ID_TIMEOUT: Duration = Duration::from_millis(500);
const SILENT_WAIT: Duration = Duration::from_secs(2);

/// The room size given to the servers that have a limit, for the full-room test.
const MAX_CLIENTS: usize = 2;

/// How long a client listens to conclude that a message will not reach it, after a witness in
/// the same room has received that message: the broadcaster was already at it.
const GHOST_WAIT: Duration = Duration::from_millis(300);

/// Step 3's send queue in lines (`SEND_QUEUE_LINES` in steps/3-queues/server.rs): a stalled
/// client is dropped only once this many lines wait for it beyond what the kernel holds.
const STEP_3_QUEUE_LINES: usize = 4096;

/// A client stops reading (its receive buffer shrunk to 4 KiB) while a talker sends more than
/// the kernel can hold for it. Where the broadcaster waits on each socket in turn, the healthy
/// reader stops receiving: the room is frozen. Where it never waits, the reader receives every
/// line, and the stalled client is announced as gone.
///
/// It runs on a classroom LAN of its own (loopback at MTU 1500, `tests/common/lan.rs`) where it
/// can (as root, as in CI), since what a stalled reader does depends on buffering; elsewhere on
/// the host's loopback, where the outcomes are the same.
#[test]
fn a_client_that_stops_reading() {
    let _lan = common::lan::enter(common::lan::ETHERNET_MTU);
    check_flaw("a client stops reading", Limits::NONE, |addr| {
        let (mut sarah, _) = Client::join(addr, "Sarah");
        let sleepy = Client::join_seen_by(addr, "Sleepy", &mut [&mut sarah]);
        let talker = Client::join_seen_by(addr, "talker", &mut [&mut sarah]);
        sleepy.shrink_receive_buffer();
        let count = kernel_capacity() / 1000 + STEP_3_QUEUE_LINES + 1000;
        let credit = paced_talker(&talker, count);
        let (mut received, mut sleepy_left) = (0, false);
        while received < count {
            match sarah.next_within(FREEZE_WAIT) {
                Arrival::Line(line) if line == "User Sleepy left the chat" => sleepy_left = true,
                Arrival::Line(line) => {
                    assert!(line.starts_with(&format!("[talker]: {received} ")));
                    received += 1;
                    let _ = credit.send(()); // The talker may have sent its last line.
                }
                Arrival::Closed => panic!("the healthy reader was dropped after {received}"),
                Arrival::Nothing => return "room freezes",
            }
        }
        // Where a stalled client is dropped for lack of progress over time (ours, --write-timeout)
        // rather than for a full queue, the notice may come after the last line.
        if !sleepy_left {
            sarah.expect("User Sleepy left the chat");
        }
        drop(sleepy);
        "it is dropped"
    });
}

/// Newcomers join one after another, and as each sends its ID, Omar sends a burst of
/// `BURST_LINES` lines; each newcomer's first line after its ID is either its user list or a
/// broadcast that overtook it.
#[test]
fn a_newcomers_user_list() {
    check_flaw(
        "a newcomer's user list",
        Limits::NONE,
        a_newcomers_first_line,
    );
}

/// Sarah, a witness and Omar are in the room; a second Omar joins; the first leaves. Is the
/// second still reachable?
#[test]
fn a_second_omar_joins() {
    check_flaw("a second Omar joins", Limits::NONE, |addr| {
        let [mut sarah, mut witness, omar] = room(addr, ["Sarah", "Witness", "Omar"]);
        let mut second = Client::connect(addr);
        second.send("Omar");
        let answer = second.read_line();
        if answer.contains("already taken") {
            return "refused";
        }
        assert!(
            answer.starts_with("** Current users in chat: "),
            "{answer:?}"
        );
        sarah.expect("User Omar joined the chat");
        drop(omar);
        sarah.expect("User Omar left the chat");
        sarah.send("anyone there?");
        witness.expect("User Omar joined the chat");
        witness.expect("User Omar left the chat");
        witness.expect("[Sarah]: anyone there?");
        match second.next_within(GHOST_WAIT) {
            Arrival::Nothing => "ghost",
            other => panic!("the second Omar got {other:?}"),
        }
    });
}

/// Omar sends a line of 1 MiB, then `after`: what reaches Ahmed?
#[test]
fn a_one_mebibyte_line() {
    check_flaw("a 1 MiB line", Limits::NONE, |addr| {
        let [mut omar, mut ahmed] = room(addr, ["Omar", "Ahmed"]);
        omar.send(&"a".repeat(1 << 20));
        omar.send("after");
        let line = ahmed.read_line();
        if line == "[Omar]: after" {
            return "refused";
        }
        let text = line.strip_prefix("[Omar]: ").expect("a line from Omar");
        assert!(text.bytes().all(|b| b == b'a'), "the line's own bytes");
        ahmed.expect("[Omar]: after");
        match text.len() {
            0x10_0000 => "sent whole",
            4096 => "cut to 4 KiB",
            other => panic!("a line of {other} bytes"),
        }
    });
}

/// Omar's message holds an escape code (red) and a bell: what reaches Ahmed's terminal?
#[test]
fn escape_codes_in_a_message() {
    check_flaw("escape codes in a message", Limits::NONE, |addr| {
        let [mut omar, mut ahmed] = room(addr, ["Omar", "Ahmed"]);
        omar.send("hi \x1b[31mred\x07");
        match ahmed.read_line().as_str() {
            "[Omar]: hi \x1b[31mred\x07" => "forwarded",
            "[Omar]: hi [31mred" => "removed",
            other => panic!("{other:?}"),
        }
    });
}

/// A client answers the ID question with an empty line.
#[test]
fn an_empty_id() {
    check_flaw("an empty ID", Limits::NONE, |addr| {
        let mut nobody = Client::connect(addr);
        nobody.send("");
        let answer = nobody.read_line();
        if answer.starts_with("** Current users") || answer.starts_with("** No other users") {
            "accepted"
        } else {
            "refused"
        }
    });
}

/// A client connects and never sends its ID; the servers that have an ID timeout are given
/// [`ID_TIMEOUT`], and the connection is watched for [`SILENT_WAIT`].
#[test]
fn no_id_ever() {
    let limits = Limits {
        id_timeout: Some(ID_TIMEOUT),
        max_clients: None,
    };
    check_flaw("no ID, ever", limits, |addr| {
        let mut silent = Client::connect(addr);
        match silent.next_within(SILENT_WAIT) {
            Arrival::Nothing => "kept open",
            Arrival::Line(line) => {
                assert_eq!(line, "** Timed out waiting for your ID **");
                silent.expect_closed();
                "closed"
            }
            Arrival::Closed => panic!("closed without a word"),
        }
    });
}

/// The servers that have a room size are given [`MAX_CLIENTS`], filled with users; one more
/// connection arrives. Users, not connections still choosing an ID: the real server closes the
/// oldest of those to make room for a newcomer.
#[test]
fn one_connection_too_many() {
    let limits = Limits {
        id_timeout: None,
        max_clients: Some(MAX_CLIENTS),
    };
    check_flaw("one connection too many", limits, |addr| {
        let _room: Vec<Client> = (0..MAX_CLIENTS)
            .map(|n| Client::join(addr, &format!("user{n}")).0)
            .collect();
        let mut one_more = Client::connect_silently(addr);
        let first = one_more.read_line();
        if first == "Enter your ID:" {
            return "served";
        }
        assert!(first.starts_with("** Server is full"), "{first:?}");
        one_more.expect_closed();
        "told it is full"
    });
}

/// The shape of the course, read off [`FLAWS`] (whose every cell the tests above measure): the
/// mirror keeps every flaw of the Go original, as a line-for-line port must, and every later
/// step changes the outcome of at least one flaw, so that no step is a step in name only.
#[test]
fn the_mirror_keeps_every_flaw_and_every_step_fixes_one() {
    for (flaw, outcomes) in FLAWS {
        assert_eq!(
            outcomes[0], outcomes[1],
            "{flaw}: the mirror differs from Go"
        );
    }
    for step in 2..COLUMNS.len() {
        assert!(
            FLAWS.iter().any(|(_, o)| o[step] != o[step - 1]),
            "{} changes nothing of {}",
            COLUMNS[step],
            COLUMNS[step - 1]
        );
    }
}

/// docs/steps.md prints [`FLAWS`], row for row and word for word, under the headings
/// [`COLUMNS`].
#[test]
fn the_table_in_docs_steps_md_is_the_tested_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/steps.md");
    let doc = std::fs::read_to_string(&path).expect("docs/steps.md exists");
    let cells = |line: &str| -> Vec<String> {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_string()).collect()
    };
    let mut lines = doc.lines().skip_while(|line| !line.starts_with("| flaw |"));
    let header = cells(
        lines
            .next()
            .expect("a table headed `| flaw | ...` in docs/steps.md"),
    );
    assert_eq!(header[0], "flaw");
    assert_eq!(header[1..], COLUMNS, "the table's columns");
    let rows: Vec<Vec<String>> = lines
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .map(cells)
        .collect();
    let expected: Vec<Vec<String>> = FLAWS
        .iter()
        .map(|(flaw, outcomes)| {
            let mut row = vec![flaw.to_string()];
            row.extend(outcomes.iter().map(|o| o.to_string()));
            row
        })
        .collect();
    assert_eq!(rows, expected, "docs/steps.md's table and FLAWS differ");
}

/// Provokes one flaw on every subject, each on a fresh server, and asserts what [`FLAWS`] says
/// happens there.
fn check_flaw(flaw: &str, limits: Limits, observe: impl Fn(SocketAddr) -> &'static str) {
    let (_, outcomes) = FLAWS
        .iter()
        .find(|(name, _)| *name == flaw)
        .unwrap_or_else(|| panic!("{flaw:?} is not in FLAWS"));
    for (subject, expected) in SUBJECTS.into_iter().zip(outcomes) {
        println!("{flaw}: {subject:?}"); // Shown if the test fails.
        if let Some((_server, addr)) = start(subject, limits) {
            assert_eq!(observe(addr), *expected, "{flaw}: {subject:?}");
        }
    }
}

/// The README's `wc -l` table (the mirror beside the Go original) holds each file's real count.
#[test]
fn the_readmes_line_counts_are_true() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut checked = 0;
    for row in readme
        .lines()
        .filter(|line| line.starts_with("| server |") || line.starts_with("| client |"))
    {
        for cell in row.split('|').skip(2).filter(|cell| cell.contains('`')) {
            let (count, path) = cell
                .trim()
                .split_once(' ')
                .expect("a cell is `COUNT `PATH``");
            let path = path.trim_matches('`');
            let text = std::fs::read_to_string(root.join(path)).expect("the file named");
            assert_eq!(count, text.lines().count().to_string(), "wc -l {path}");
            checked += 1;
        }
    }
    assert_eq!(
        checked, 4,
        "the README's wc -l table has two rows of two files"
    );
}
