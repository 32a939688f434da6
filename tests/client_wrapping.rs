//! The `client` binary in a terminal, where lines are wider than the window: a received line's
//! continuation rows are indented, so that column 0 always starts a real line, and a resize
//! redraws the recent lines, so that none is lost and no stale row of the line being edited is
//! left. Tested by what is on the screen (see `client_terminal/pty.rs`).

mod common;
// Shared with `client_terminal.rs`, which uses more of it.
#[allow(dead_code)]
#[path = "client_terminal/pty.rs"]
mod pty;
#[path = "common/tmux.rs"]
mod tmux;

use common::Client;
use pty::Terminal;
use std::net::SocketAddr;
use tmux::TmuxServer;

/// Omar joins, then Ahmed in a terminal of `size`; returns once Ahmed's prompt is on screen.
fn omar_then_ahmed(addr: SocketAddr, size: (u16, u16)) -> (Client, Terminal) {
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut ahmed = Terminal::ahmed(addr, size);
    ahmed.wait_for_bottom(&["** Current users in chat: Omar **", "[you] >"]);
    omar.expect("User Ahmed joined the chat");
    (omar, ahmed)
}

/// Issue 18: a message padded with spaces to the window's width cannot put a row reading like a
/// line of its own in column 0. Its second row is indented, and the real notice that follows
/// starts in column 0.
#[test]
fn a_padded_message_cannot_fake_a_line_of_its_own() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (24, 80));
    let fake = "User Ahmed left the chat";
    let padding = " ".repeat(80 - "[Omar]: x".len());
    omar.send(&format!("x{padding}{fake}"));
    ahmed.wait_for_bottom(&["[Omar]: x", &format!("  {fake}"), "[you] >"]);

    let (sarah, _) = Client::join(server.local_addr(), "Sarah");
    drop(sarah);
    ahmed.wait_for_bottom(&[
        &format!("  {fake}"),
        "User Sarah joined the chat",
        "User Sarah left the chat",
        "[you] >",
    ]);
    let rows = ahmed.all_rows();
    assert!(!rows.iter().any(|row| row == fake), "{rows:#?}");
}

/// A line longer than two rows keeps its indent on every continuation row, its colour on each,
/// and the line editor's own rows (what the user types) are not indented.
#[test]
fn every_continuation_row_is_indented_and_the_editor_is_not() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (20, 40));
    let long = "abcdefghij".repeat(9);
    omar.send(&long);
    ahmed.wait_for_bottom(&[
        &format!("[Omar]: {}", &long[..32]),
        &format!("  {}", &long[32..70]),
        &format!("  {}", &long[70..]),
        "[you] >",
    ]);
    let rows = ahmed.rows();
    let second = rows.len() - 3;
    assert_eq!(ahmed.colour_at(second, 2), vt100::Color::Idx(3));
    ahmed.keys(&"y".repeat(40));
    ahmed.wait_for_bottom(&[&format!("[you] > {}", "y".repeat(32)), &"y".repeat(8)]);
}

/// Issue 21's first case: Ahmed has typed a line that fits at 100 columns; the window narrows to
/// 40x20, a message arrives, and the window widens again. The message is on screen, the line
/// he typed is there once, whole, and nothing of it is left above. The emulator cuts the rows
/// that do not fit a narrower window (tmux rewraps them, see the test below): the line that
/// arrived before the resize is whole again only because the client draws it again.
#[test]
fn a_resize_keeps_the_message_that_arrived_and_leaves_no_stale_row() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (30, 100));
    let before = "[Omar]: a line longer than forty columns, sent before the resize";
    omar.send(&before["[Omar]: ".len()..]);
    let typed = "x".repeat(64);
    let editing = format!("[you] > {typed}");
    ahmed.keys(&typed);
    ahmed.wait_for_bottom(&[before, &editing]);

    ahmed.resize(20, 40);
    omar.send("MESSAGE-X");
    ahmed.wait_for_bottom(&["[Omar]: MESSAGE-X", &editing[..40], &editing[40..]]);
    ahmed.resize(30, 100);
    let expected = [
        "Enter your ID: Ahmed",
        "** Current users in chat: Omar **",
        before,
        "[Omar]: MESSAGE-X",
        editing.as_str(),
    ];
    ahmed.wait_for(&format!("exactly {expected:#?}"), |t| t.rows() == expected);
    let rows = ahmed.all_rows();
    let copies = rows.iter().filter(|row| row.starts_with("[you] >")).count();
    assert_eq!(copies, 1, "{rows:#?}");
    ahmed.keys("\r");
    omar.expect(&format!("[Ahmed]: {typed}"));
}

/// The redraw after a resize puts back only what is missing: lines that scrolled off the top
/// before a resize are still in the scrollback after it, and those on screen are there once.
/// (The lines are shorter than the narrow width: the emulator, unlike tmux, cuts rows that do
/// not fit rather than rewrapping them.)
#[test]
fn a_resize_loses_no_line_from_the_screen_or_the_scrollback() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (10, 60));
    let sent: Vec<String> = (1..=20).map(|n| format!("line {n:02}")).collect();
    for line in &sent {
        omar.send(line);
    }
    let last = format!("[Omar]: {}", sent[19]);
    ahmed.wait_for_bottom(&[&last, "[you] >"]);

    ahmed.resize(8, 30);
    ahmed.resize(10, 60);
    ahmed.wait_for("the last message above the prompt", |t| {
        t.rows().ends_with(&[last.clone(), "[you] >".to_string()])
    });
    let rows = ahmed.all_rows();
    for line in &sent {
        let shown = format!("[Omar]: {line}");
        let copies = rows.iter().filter(|row| **row == shown).count();
        assert_eq!(copies, 1, "{shown:?} in {rows:#?}");
    }
}

/// Issue 21's second case: a line taller than the window. Each frame the editor draws (here, for
/// the notice that the line is too long, and for two messages) shows only the rows that fit, so
/// nothing of it scrolls into the scrollback; once cleared, no row of it is left anywhere.
#[test]
fn a_line_taller_than_the_window_leaves_no_stale_copies() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (24, 80));
    let paste = "y".repeat(5000);
    ahmed.keys(&format!("\x1b[200~{paste}\x1b[201~"));
    // 8 + 5,000 columns: 62 full rows and 48 columns; the window shows the last 24.
    let tail = "y".repeat(48);
    ahmed.wait_for_bottom(&[&"y".repeat(80), &tail]);
    ahmed.keys("\r");
    omar.send("one");
    omar.send("two");
    ahmed.wait_for_row("[Omar]: two");
    ahmed.wait_for_bottom(&[&tail]);
    ahmed.keys("\x15"); // Ctrl-U
    // The editor had the whole window; emptied, it starts again at the top.
    ahmed.wait_for("the empty prompt alone", |t| t.rows() == ["[you] >"]);
    let rows = ahmed.all_rows();
    assert!(!rows.iter().any(|row| row.contains("yyy")), "{rows:#?}");
    let notice = "** Line too long (5000 bytes, max 4096); not sent: shorten it and press Enter **";
    for line in [notice, "[Omar]: one", "[Omar]: two"] {
        let copies = rows.iter().filter(|row| *row == line).count();
        assert_eq!(copies, 1, "{line:?} in {rows:#?}");
    }
}

/// A paste of 60 lines in a window of 30 rows: the editor shows its last rows, and Enter sends
/// each line, shown once as the user's own; no bare copy of a pasted line is left above.
#[test]
fn a_paste_taller_than_the_window_is_shown_once() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (30, 80));
    let lines: Vec<String> = (1..=60).map(|n| format!("pasted line {n:02}")).collect();
    ahmed.keys(&format!("\x1b[200~{}\x1b[201~", lines.join("\r")));
    ahmed.wait_for_bottom(&["pasted line 59", "pasted line 60"]);
    ahmed.keys("\r");
    for line in &lines {
        omar.expect(&format!("[Ahmed]: {line}"));
    }
    ahmed.wait_for_bottom(&["[you] > pasted line 60", "[you] >"]);
    let rows = ahmed.all_rows();
    for line in &lines {
        let copies = rows
            .iter()
            .filter(|row| row.contains(line.as_str()))
            .count();
        assert_eq!(copies, 1, "{line:?} in {rows:#?}");
    }
}

/// The same case in tmux, which, like most terminals today and unlike the emulator above,
/// rewraps its rows when the window changes size: this is where the line that arrived was lost
/// and a stale row of the edited line was left, before the client drew the screen again.
#[test]
fn in_tmux_a_resize_keeps_the_message_and_leaves_no_stale_row() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let Some(tmux) = Tmux::start(server.local_addr(), "Sarah", (100, 30)) else {
        return;
    };
    tmux.wait_for("Sarah's prompt", |screen| {
        screen.last().is_some_and(|row| row == "[you] >")
    });
    omar.expect("User Sarah joined the chat");
    let typed = "x".repeat(64);
    let editing = format!("[you] > {typed}");
    tmux.run(&["send-keys", "-l", &typed]);
    tmux.wait_for("the typed line", |screen| {
        screen.ends_with(std::slice::from_ref(&editing))
    });

    tmux.run(&["resize-window", "-x", "40", "-y", "20"]);
    omar.send("MESSAGE-X");
    tmux.wait_for("the message", |screen| {
        screen.iter().any(|row| row == "[Omar]: MESSAGE-X")
    });
    tmux.run(&["resize-window", "-x", "100", "-y", "30"]);
    let expected = [
        "Enter your ID: Sarah",
        "** Current users in chat: Omar **",
        "[Omar]: MESSAGE-X",
        editing.as_str(),
    ];
    tmux.wait_for(
        &format!("exactly {expected:#?}, scrollback included"),
        |screen| screen == expected,
    );
}

/// A client in a tmux window of its own, on a tmux server of the test's own.
struct Tmux {
    server: TmuxServer,
}

impl Tmux {
    /// Starts `client --id <id>` in a detached window of `(columns, rows)`, or returns `None`
    /// (after saying so) without tmux.
    fn start(addr: SocketAddr, id: &str, (columns, rows): (u16, u16)) -> Option<Tmux> {
        let socket = format!("realtime-chat-test-wrapping-{}", std::process::id());
        let tmux = Tmux {
            server: TmuxServer::named(socket)?,
        };
        let client = format!("{} --addr {addr} --id {id}", env!("CARGO_BIN_EXE_client"));
        let (columns, rows) = (columns.to_string(), rows.to_string());
        let size = ["-x", &columns, "-y", &rows];
        tmux.run(
            &[
                &["-f", "/dev/null", "new-session", "-d"],
                &size[..],
                &[&client],
            ]
            .concat(),
        );
        Some(tmux)
    }

    /// Polls the window until `ready` holds for its rows (scrollback first, each without
    /// trailing blanks, without the empty rows at the bottom), failing the test at a deadline.
    fn wait_for(&self, what: &str, ready: impl Fn(&[String]) -> bool) {
        let deadline = std::time::Instant::now() + pty::SCREEN_TIMEOUT;
        loop {
            let captured = self.run(&["capture-pane", "-p", "-S", "-", "-E", "-"]);
            let mut rows: Vec<String> = captured.lines().map(|r| r.trim_end().into()).collect();
            while rows.last().is_some_and(String::is_empty) {
                rows.pop();
            }
            if ready(&rows) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the window never showed {what}; it shows:\n{}",
                rows.join("\n")
            );
            // A pause between looks at the window: tmux offers no line to wait on, only cells.
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn run(&self, args: &[&str]) -> String {
        self.server.run(args)
    }
}
