//! The mirror in tokio (steps/async: a task per client, a broadcast channel), provoked with the
//! flaws of the Go original whose outcome its design changes, over real sockets. What happened
//! is compared with [`FLAWS`], the table docs/threads-and-tasks.md prints, and a test checks
//! that the two agree, and that its threads column is docs/steps.md's tested step 1 column.
//! (The chat it shares with every step is in `chat.rs`; the other flaws keep the mirror's code.)

mod subjects;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use subjects::common::{self, Arrival, Client, kernel_capacity};
use subjects::provoke::{FREEZE_WAIT, a_newcomers_first_line, paced_talker};
use subjects::{room, start_tasks};
use tasks::BROADCAST_CAPACITY;

/// Each flaw, what the mirror's threads do with it (docs/steps.md's "step 1" column) and what
/// its tasks do. The tests below measure the tasks column; docs/threads-and-tasks.md prints
/// this table, row for row.
const FLAWS: [(&str, &str, &str); 3] = [
    ("a client stops reading", "room freezes", "it loses lines"),
    ("a newcomer's user list", "may come late", "first"),
    ("a second Omar joins", "ghost", "served, not listed"),
];

/// The chapter's headings: the flaw, the mirror, the mirror in tokio.
const COLUMNS: [&str; 3] = ["flaw", "step 1 (threads)", "tokio (tasks)"];

/// How long the stalled client, reading again, waits for a next line before concluding that it
/// has everything it will get: the server wrote the last line already (the healthy reader has
/// it), and only the kernel's buffers stand between.
const CATCH_UP_WAIT: Duration = Duration::from_secs(2);

/// A client stops reading (its receive buffer shrunk to 4 KiB) while a talker sends more than
/// the kernel and the broadcast channel can hold for it. The healthy reader must get every line
/// and the stalled client must stay; then it reads again, and what it gets shows the loss: the
/// lines the kernel held, a gap, and the newest lines the channel kept.
///
/// On a classroom LAN of its own where it can (root), as `steps.rs` runs it.
#[test]
fn a_client_that_stops_reading() {
    let _lan = common::lan::enter(common::lan::ETHERNET_MTU);
    check_tasks("a client stops reading", |addr| {
        let (mut sarah, _) = Client::join(addr, "Sarah");
        let mut sleepy = Client::join_seen_by(addr, "Sleepy", &mut [&mut sarah]);
        let talker = Client::join_seen_by(addr, "talker", &mut [&mut sarah, &mut sleepy]);
        sleepy.shrink_receive_buffer();
        let count = kernel_capacity() / 1000 + BROADCAST_CAPACITY + 1000;
        let credit = paced_talker(&talker, count);
        for n in 0..count {
            match sarah.next_within(FREEZE_WAIT) {
                Arrival::Line(line) => assert!(line.starts_with(&format!("[talker]: {n} "))),
                Arrival::Closed => panic!("the healthy reader was dropped after {n}"),
                Arrival::Nothing => return "room freezes",
            }
            let _ = credit.send(()); // The talker may have sent its last line.
        }
        let got = catch_up(&mut sleepy);
        assert_eq!(got.last(), Some(&(count - 1)), "the newest line arrives");
        assert!(got.is_sorted(), "in order, each at most once: {got:?}");
        println!("Sleepy got {} of {count} lines", got.len());
        if got.len() < count {
            "it loses lines"
        } else {
            "it gets every line"
        }
    });
}

/// The stalled client reads again: the numbers of the talker's lines it gets, until none comes
/// within [`CATCH_UP_WAIT`]. It is never told that it lost any, nor dropped.
fn catch_up(sleepy: &mut Client) -> Vec<usize> {
    let mut got = Vec::new();
    loop {
        match sleepy.next_within(CATCH_UP_WAIT) {
            Arrival::Line(line) => {
                let number = line
                    .strip_prefix("[talker]: ")
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("only the talker's lines: {line:?}"));
                got.push(number);
            }
            Arrival::Nothing => return got,
            Arrival::Closed => panic!("the stalled client was dropped"),
        }
    }
}

/// Newcomers join one after another, and as each sends its ID, Omar sends a burst of
/// `BURST_LINES` lines: is a newcomer's first line its user list?
#[test]
fn a_newcomers_user_list() {
    check_tasks("a newcomer's user list", a_newcomers_first_line);
}

/// Sarah, a witness and Omar are in the room; a second Omar joins; the first leaves. Does the
/// second still get the room's messages, and does a newcomer's user list name him?
#[test]
fn a_second_omar_joins() {
    check_tasks("a second Omar joins", |addr| {
        let [mut sarah, _witness, omar] = room(addr, ["Sarah", "Witness", "Omar"]);
        let mut second = Client::connect(addr);
        second.send("Omar");
        let list = second.read_line();
        assert!(list.starts_with("** Current users in chat: "), "{list:?}");
        sarah.expect("User Omar joined the chat");
        drop(omar);
        sarah.expect("User Omar left the chat");
        sarah.send("anyone there?");
        if second.next_within(FREEZE_WAIT) != Arrival::Line("[Sarah]: anyone there?".into()) {
            return "ghost";
        }
        let (_newcomer, list) = Client::join(addr, "Newcomer");
        if list.contains("Omar") {
            "served"
        } else {
            "served, not listed"
        }
    });
}

/// docs/threads-and-tasks.md prints [`FLAWS`] row for row under [`COLUMNS`], and its threads
/// column is docs/steps.md's step 1 column, which `steps.rs` measures.
#[test]
fn the_table_in_the_chapter_is_the_tested_one() {
    let chapter = table(&doc("threads-and-tasks.md"), COLUMNS[0]);
    assert_eq!(chapter[0], COLUMNS, "the chapter's table's columns");
    let expected: Vec<Vec<String>> = FLAWS
        .iter()
        .map(|(flaw, threads, tasks)| {
            vec![flaw.to_string(), threads.to_string(), tasks.to_string()]
        })
        .collect();
    assert_eq!(
        chapter[1..],
        expected,
        "the chapter's table and FLAWS differ"
    );

    let steps = table(&doc("steps.md"), "flaw");
    let column = steps[0]
        .iter()
        .position(|heading| heading == "step 1")
        .expect("docs/steps.md's table has a step 1 column");
    for (flaw, threads, _) in FLAWS {
        let row = steps
            .iter()
            .find(|row| row[0] == flaw)
            .unwrap_or_else(|| panic!("docs/steps.md has no row {flaw:?}"));
        assert_eq!(row[column], threads, "{flaw}: step 1 in docs/steps.md");
    }
}

fn doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The Markdown table whose first heading is `first`: its heading row, then its rows, as cells.
fn table(doc: &str, first: &str) -> Vec<Vec<String>> {
    let cells = |line: &str| -> Vec<String> {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_string()).collect()
    };
    let mut lines = doc
        .lines()
        .skip_while(|line| !line.starts_with(&format!("| {first} |")));
    let header = lines
        .next()
        .unwrap_or_else(|| panic!("no table headed `| {first} | ...`"));
    let header = cells(header);
    let rows = lines
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .map(cells);
    std::iter::once(header).chain(rows).collect()
}

/// Provokes one flaw on a fresh server in tokio and asserts what [`FLAWS`] says happens there.
fn check_tasks(flaw: &str, observe: impl Fn(SocketAddr) -> &'static str) {
    let (_, _, expected) = FLAWS
        .iter()
        .find(|(name, _, _)| *name == flaw)
        .unwrap_or_else(|| panic!("{flaw:?} is not in FLAWS"));
    let (_server, addr) = start_tasks(BROADCAST_CAPACITY);
    assert_eq!(observe(addr), *expected, "{flaw}");
}
