//! The `client` binary in a terminal, tested by what is on the screen: a pseudo-terminal whose
//! output goes through a terminal emulator (see `client_terminal/pty.rs`). Each test asserts the
//! rows a person would read, the cursor, and what the other users receive. The Ctrl-Z test runs
//! the client under an interactive `bash`, for job control.

mod common;
// Shared with `client_wrapping.rs`, which uses parts of it this file does not.
#[allow(dead_code)]
#[path = "client_terminal/pty.rs"]
mod pty;

use common::Client;
use pty::Terminal;
use realtime_chat::protocol;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::thread;

/// The usual window.
const SIZE: (u16, u16) = (24, 80);
const GREEN: vt100::Color = vt100::Color::Idx(2);
const YELLOW: vt100::Color = vt100::Color::Idx(3);
const BLUE: vt100::Color = vt100::Color::Idx(4);

/// Omar joins, then Ahmed in a terminal; returns once Ahmed's prompt is on screen.
fn omar_then_ahmed(addr: SocketAddr, size: (u16, u16)) -> (Client, Terminal) {
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut ahmed = Terminal::ahmed(addr, size);
    ahmed.wait_for_bottom(&[
        "Enter your ID: Ahmed",
        "** Current users in chat: Omar **",
        "[you] >",
    ]);
    omar.expect("User Ahmed joined the chat");
    (omar, ahmed)
}

/// The issue's first case: a message arrives while Ahmed is half-way through a line. It is
/// printed above, and what he typed stays on the last row, with the cursor after it; Enter
/// sends it whole. Colours: others' messages yellow, own lines and the prompt green.
#[test]
fn a_half_typed_line_stays_on_screen_under_an_incoming_message() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("half typed");
    ahmed.wait_for_bottom(&["[you] > half typed"]);

    omar.send("hello");
    ahmed.wait_for_bottom_and_cursor(&["[Omar]: hello", "[you] > half typed"], (3, 18));
    let prompt_row = 3;

    ahmed.keys("\r");
    omar.expect("[Ahmed]: half typed");
    ahmed.wait_for_bottom(&["[Omar]: hello", "[you] > half typed", "[you] >"]);
    assert_eq!(ahmed.colour_at(prompt_row - 1, 0), YELLOW);
    assert_eq!(ahmed.colour_at(prompt_row, 0), GREEN);
    assert_eq!(ahmed.colour_at(prompt_row, 10), GREEN);
    assert_eq!(ahmed.colour_at(prompt_row + 1, 0), GREEN);
    assert_eq!(ahmed.colour_at(0, 0), BLUE);
}

/// Issue 27: in a terminal the client runs three threads, each named: the main thread
/// (`client`), which owns the terminal, and the two that send it events.
#[test]
fn in_a_terminal_three_named_threads_run() {
    let server = common::start_server();
    let (_omar, ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    let Some(names) = ahmed.thread_names() else {
        println!("skipped: no /proc to list the client's threads");
        return;
    };
    assert_eq!(names, ["client", "keys", "receiver"]);
}

/// Up and Down walk this session's sent lines, and Down at the end gives back what was being
/// written.
#[test]
fn up_and_down_recall_the_lines_sent_in_this_session() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("first\r");
    omar.expect("[Ahmed]: first");
    ahmed.keys("second\r");
    omar.expect("[Ahmed]: second");
    ahmed.keys("draft");
    ahmed.wait_for_bottom(&["[you] > second", "[you] > draft"]);

    const UP: &str = "\x1b[A";
    const DOWN: &str = "\x1b[B";
    ahmed.keys(UP);
    ahmed.wait_for_bottom(&["[you] > second", "[you] > second"]);
    ahmed.keys(UP);
    ahmed.wait_for_bottom(&["[you] > second", "[you] > first"]);
    ahmed.keys(DOWN);
    ahmed.keys(DOWN);
    ahmed.wait_for_bottom(&["[you] > second", "[you] > draft"]);
    ahmed.keys(UP);
    ahmed.keys(UP);
    ahmed.keys(" again\r");
    omar.expect("[Ahmed]: first again");
    ahmed.wait_for_bottom(&["[you] > first again", "[you] >"]);
}

/// The editing keys people expect: Left, Ctrl-D deleting under the cursor on a non-empty line,
/// Ctrl-W, Ctrl-A, Ctrl-E, Ctrl-U; then Ctrl-D on the empty line leaves, with exit code 0.
#[test]
fn editing_keys_work_and_ctrl_d_on_an_empty_line_leaves() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("hello wide world");
    ahmed.keys("\x17"); // Ctrl-W: the last word
    ahmed.wait_for_bottom(&["[you] > hello wide"]);
    // Ctrl-W leaves the space before the word; Left twice is before the `e`.
    ahmed.keys("\x1b[D\x1b[D\x04"); // Left twice, Ctrl-D
    ahmed.wait_for_bottom(&["[you] > hello wid"]);
    ahmed.keys("\x01>\x05<"); // Ctrl-A, Ctrl-E
    ahmed.wait_for_bottom(&["[you] > >hello wid <"]);
    ahmed.keys("\x15"); // Ctrl-U
    ahmed.wait_for_bottom(&["** Current users in chat: Omar **", "[you] >"]);

    ahmed.keys("\x04");
    omar.expect("User Ahmed left the chat");
    assert_eq!(ahmed.wait_exit(), Some(0));
    assert!(ahmed.in_normal_mode());
}

/// Ctrl-L clears the screen and redraws the line being edited at the top; lines keep arriving
/// above it.
#[test]
fn ctrl_l_redraws_the_line_at_the_top() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("abc");
    ahmed.wait_for_bottom(&["[you] > abc"]);
    ahmed.keys("\x0c");
    ahmed.wait_for("only the line being edited, on the first row", |t| {
        t.rows() == ["[you] > abc"] && t.cursor() == (0, 11)
    });
    omar.send("hi");
    ahmed.wait_for("the message above the line", |t| {
        t.rows() == ["[Omar]: hi", "[you] > abc"] && t.cursor() == (1, 11)
    });
}

/// Ctrl-C clears a line that has text, and on an empty line leaves the room cleanly: exit code 0,
/// the others told, the terminal back in its normal mode.
#[test]
fn ctrl_c_clears_the_line_then_leaves_with_exit_code_0() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("never mind");
    ahmed.wait_for_bottom(&["[you] > never mind"]);
    ahmed.keys("\x03");
    ahmed.wait_for_bottom(&["** Current users in chat: Omar **", "[you] >"]);
    ahmed.keys("\x03");
    omar.expect("User Ahmed left the chat");
    assert_eq!(ahmed.wait_exit(), Some(0));
    assert!(ahmed.in_normal_mode());
}

/// Wide characters (CJK, emoji) take two columns each, and the cursor stays right: after them,
/// after an incoming line, and after moving left over one.
#[test]
fn wide_characters_keep_the_cursor_in_the_right_column() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("你好😀");
    ahmed.wait_for_bottom_and_cursor(&["[you] > 你好😀"], (2, 14));

    omar.send("日本語 ok");
    ahmed.wait_for_bottom_and_cursor(&["[Omar]: 日本語 ok", "[you] > 你好😀"], (3, 14));
    ahmed.keys("\x1b[D!");
    ahmed.wait_for_bottom_and_cursor(&["[Omar]: 日本語 ok", "[you] > 你好!😀"], (3, 13));
    ahmed.keys("\r");
    omar.expect("[Ahmed]: 你好!😀");
    ahmed.wait_for_bottom(&["[Omar]: 日本語 ok", "[you] > 你好!😀", "[you] >"]);
}

/// Combining marks (`e` + U+0301, Arabic with its vowel marks, Hindi with its virama and vowel
/// signs) take no column of their own: the rows above are left alone, the cursor is after the
/// text, and the text is sent as typed.
#[test]
fn combining_marks_leave_the_rows_above_alone() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    let typed = "e\u{301}te\u{301} مَرْحَبًا नमस्ते";
    ahmed.keys(typed);
    omar.send("hello");
    let with_prompt = format!("[you] > {typed}");
    let expected = [
        "Enter your ID: Ahmed",
        "** Current users in chat: Omar **",
        "[Omar]: hello",
        with_prompt.as_str(),
    ];
    // Columns: the prompt's 8, `été` 3, a space, 5 Arabic letters, a space, 4 Hindi letters.
    let cursor = (3, 8 + 3 + 1 + 5 + 1 + 4);
    ahmed.wait_for(
        &format!("exactly {expected:#?}, cursor at {cursor:?}"),
        |t| t.rows() == expected && t.cursor() == cursor,
    );
    // Left goes over the conjunct `स्ते` (four code points, two columns) whole, and Backspace
    // takes `म` alone.
    ahmed.keys("\x1b[D\x7f");
    let edited = typed.replace("नम", "न");
    let with_prompt = format!("[you] > {edited}");
    ahmed.wait_for_bottom_and_cursor(&[&with_prompt], (3, cursor.1 - 3));
    ahmed.keys("\r");
    omar.expect(&format!("[Ahmed]: {edited}"));
}

/// The server's shutdown notice is shown as the last line, in place of the editor (the
/// half-typed text is not sent, nor left for the shell), and the client exits 0, so that
/// `make client` ends without an error.
#[test]
fn the_shutdown_notice_ends_the_client_with_exit_code_0() {
    let server = common::start_server();
    let (_omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("half");
    ahmed.wait_for_bottom(&["[you] > half"]);
    server.shutdown();
    ahmed.wait_for_bottom(&["** Current users in chat: Omar **", protocol::SHUTTING_DOWN]);
    assert_eq!(ahmed.wait_exit(), Some(0));
    assert!(ahmed.in_normal_mode());
    assert_eq!(ahmed.next_line_read(), "\n");
}

/// A server that vanishes while Ahmed is typing (killed, so no notice): the client says so,
/// exits 1, and leaves the terminal in its normal mode with nothing typed left for the shell.
#[test]
fn a_server_vanishing_mid_typing_leaves_a_clean_terminal_and_exit_code_1() {
    let mut server = ServerProcess::start();
    let mut ahmed = Terminal::ahmed(server.addr, SIZE);
    ahmed.wait_for_bottom(&["** No other users in chat **", "[you] >"]);
    ahmed.keys("half typed");
    ahmed.wait_for_bottom(&["[you] > half typed"]);
    server.kill();
    ahmed.wait_for_bottom(&[
        "** No other users in chat **",
        "** Disconnected from server **",
    ]);
    assert_eq!(ahmed.wait_exit(), Some(1));
    assert!(ahmed.in_normal_mode());
    assert_eq!(ahmed.next_line_read(), "\n");
}

/// Three people sending at once while Ahmed types and sends: every line reaches the screen
/// exactly once, each sender's in order, and the half-typed line stays at the bottom.
#[test]
fn three_senders_at_once_lose_no_line_from_the_screen() {
    const LINES: usize = 10;
    let server = common::start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let mut karim = Client::join_seen_by(addr, "Karim", &mut [&mut omar, &mut sarah]);
    let mut ahmed = Terminal::ahmed(addr, (60, 80));
    ahmed.wait_for_bottom(&["** Current users in chat: Omar, Sarah, Karim **", "[you] >"]);
    for client in [&mut omar, &mut sarah, &mut karim] {
        client.expect("User Ahmed joined the chat");
    }

    let senders: Vec<_> = [("Omar", omar), ("Sarah", sarah), ("Karim", karim)]
        .into_iter()
        .map(|(name, mut client)| {
            thread::spawn(move || {
                for n in 1..=LINES {
                    client.send(&format!("{name} {n}"));
                }
                client
            })
        })
        .collect();
    ahmed.keys("mine 1\rmine 2\rtyping");
    let mut expected: Vec<String> = ["Omar", "Sarah", "Karim"]
        .iter()
        .flat_map(|name| (1..=LINES).map(move |n| format!("[{name}]: {name} {n}")))
        .collect();
    expected.extend(["[you] > mine 1".to_string(), "[you] > mine 2".to_string()]);
    ahmed.wait_for("every line, and the typing", |t| {
        let rows = t.rows();
        rows.last().map(String::as_str) == Some("[you] > typing")
            && expected.iter().all(|line| rows.contains(line))
    });
    for sender in senders {
        sender.join().expect("a sender");
    }
    let rows = ahmed.rows();
    for line in &expected {
        assert_eq!(rows.iter().filter(|r| *r == line).count(), 1, "{line}");
    }
    for name in ["Omar", "Sarah", "Karim"] {
        let order: Vec<&String> = rows
            .iter()
            .filter(|r| r.starts_with(&format!("[{name}]")))
            .collect();
        let wanted: Vec<String> = (1..=LINES)
            .map(|n| format!("[{name}]: {name} {n}"))
            .collect();
        assert_eq!(order, wanted.iter().collect::<Vec<_>>());
    }
    assert_eq!(
        rows.len(),
        2 + 3 * LINES + 2 + 1,
        "no stray rows:\n{rows:#?}"
    );
}

/// In a 40-column window a long unsent line wraps; an incoming message goes above all of its
/// rows, and after Enter the line is sent whole, with no fragment left behind.
#[test]
fn a_wrapped_line_in_40_columns_survives_an_incoming_message() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (20, 40));
    let typed = "0123456789".repeat(5);
    ahmed.keys(&typed);
    let (first, second) = (format!("[you] > {}", &typed[..32]), &typed[32..]);
    ahmed.wait_for_bottom(&[&first, second]);

    omar.send("hello");
    ahmed.wait_for_bottom(&["[Omar]: hello", &first, second]);
    ahmed.keys("\r");
    omar.expect(&format!("[Ahmed]: {typed}"));
    let expected = [
        "Enter your ID: Ahmed",
        "** Current users in chat: Omar **",
        "[Omar]: hello",
        first.as_str(),
        &format!("  {second}"),
        "[you] >",
    ];
    ahmed.wait_for(&format!("exactly {expected:#?}"), |t| t.rows() == expected);
}

/// A message taller than the window scrolls through once: every row of it is in the scrollback
/// exactly once, and the half-typed line is still at the bottom.
#[test]
fn a_message_taller_than_the_window_appears_once() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (12, 40));
    ahmed.keys("half");
    ahmed.wait_for_bottom(&["[you] > half"]);
    let tall: String = (0..150).map(|n| format!("{n:03}.")).collect();
    omar.send(&tall);
    ahmed.wait_for("the message's end above the line being edited", |t| {
        let rows = t.rows();
        rows.ends_with(&["[you] > half".to_string()]) && rows[rows.len() - 2].ends_with("149.")
    });
    // Its rows after the first are indented (see `tests/client_wrapping.rs`).
    let rows = ahmed.all_rows();
    let everything: String = rows.iter().map(|row| row.trim_start()).collect();
    assert_eq!(everything.matches(&tall).count(), 1, "{everything}");
    assert_eq!(
        everything.matches("[you] > half").count(),
        1,
        "{everything}"
    );
}

/// A paste of several lines is shown in the editor as pasted; Enter sends each line as its own
/// message, in order, each shown as the user's own.
#[test]
fn a_paste_of_several_lines_sends_each_line() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.keys("\x1b[200~one\rtwo, a longer line\rthree\x1b[201~");
    ahmed.wait_for_bottom(&["[you] > one", "two, a longer line", "three"]);
    ahmed.keys("\r");
    omar.expect("[Ahmed]: one");
    omar.expect("[Ahmed]: two, a longer line");
    omar.expect("[Ahmed]: three");
    ahmed.wait_for_bottom(&[
        "** Current users in chat: Omar **",
        "[you] > one",
        "[you] > two, a longer line",
        "[you] > three",
        "[you] >",
    ]);
}

/// A line over the server's limit is not sent: the client says why and keeps it in the editor;
/// one Backspace later it fits, and is sent whole.
#[test]
fn a_line_over_the_limit_is_kept_in_the_editor_with_a_notice() {
    const COLUMNS: usize = 100;
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), (60, COLUMNS as u16));
    let limit = realtime_chat::Config::default().max_line;
    let long = "x".repeat(limit + 1);
    ahmed.keys(&format!("\x1b[200~{long}\x1b[201~"));
    let tail = "x".repeat((8 + limit + 1) % COLUMNS);
    ahmed.wait_for_bottom(&[&tail]);
    ahmed.keys("\r");
    let notice = format!(
        "** Line too long ({} bytes, max {limit}); not sent: shorten it and press Enter **",
        limit + 1
    );
    ahmed.wait_for(
        "the notice, with the line still in the editor below it",
        |t| {
            let rows = t.rows();
            rows.last() == Some(&tail) && rows.contains(&notice)
        },
    );

    ahmed.keys("\x7f\r");
    omar.expect(&format!("[Ahmed]: {}", "x".repeat(limit)));
    ahmed.wait_for_bottom(&["[you] >"]);
}

/// `NO_COLOR` in a terminal keeps the editor and drops every colour.
#[test]
fn no_color_in_a_terminal_keeps_the_editor_and_drops_the_colours() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let addr = server.local_addr().to_string();
    let mut ahmed = Terminal::start(&["--addr", &addr, "--id", "Ahmed"], SIZE, Some("1"));
    ahmed.wait_for_bottom(&["** Current users in chat: Omar **", "[you] >"]);
    omar.expect("User Ahmed joined the chat");
    ahmed.keys("Hello!\r");
    omar.expect("[Ahmed]: Hello!");
    omar.send("Hi Ahmed!");
    ahmed.wait_for_bottom(&["[you] > Hello!", "[Omar]: Hi Ahmed!", "[you] >"]);
    assert!(!ahmed.any_colour());
}

/// Without `--id`, the server's prompt is the editor's: a rejected ID is explained above it and
/// asked again; `/quit` leaves with exit code 0.
#[test]
fn the_id_is_typed_at_the_servers_prompt_and_quit_leaves() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let addr = server.local_addr().to_string();
    let mut ahmed = Terminal::start(&["--addr", &addr], SIZE, None);
    ahmed.wait_for_bottom(&["Enter your ID:"]);
    ahmed.keys("omar\r");
    ahmed.wait_for_bottom(&[
        "Enter your ID: omar",
        "ID 'Omar' is already taken",
        "Enter your ID:",
    ]);
    ahmed.keys("Ahmed\r");
    ahmed.wait_for_bottom(&[
        "Enter your ID: Ahmed",
        "** Current users in chat: Omar **",
        "[you] >",
    ]);
    omar.expect("User Ahmed joined the chat");
    ahmed.keys("/quit\r");
    omar.expect("User Ahmed left the chat");
    assert_eq!(ahmed.wait_exit(), Some(0));
    assert!(ahmed.in_normal_mode());
}

/// A resized window: the editor measures the new width, so an incoming line still lands above
/// every row of a line that now wraps.
#[test]
fn after_a_resize_incoming_lines_still_land_above_the_editor() {
    let server = common::start_server();
    let (mut omar, mut ahmed) = omar_then_ahmed(server.local_addr(), SIZE);
    ahmed.resize(24, 40);
    let typed = "abcdefghij".repeat(4);
    ahmed.keys(&typed);
    let (first, second) = (format!("[you] > {}", &typed[..32]), &typed[32..]);
    ahmed.wait_for_bottom(&[&first, second]);
    omar.send("hello");
    ahmed.wait_for_bottom(&["[Omar]: hello", &first, second]);
}

/// Ctrl-Z suspends the client to the shell, and `fg` brings it back with the prompt and the
/// half-typed line redrawn, still editable (the terminal back in raw mode).
#[test]
fn ctrl_z_and_fg_bring_the_prompt_back() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut shell = Terminal::shell(SIZE);
    let client = env!("CARGO_BIN_EXE_client");
    shell.keys(&format!(
        "'{client}' --addr {} --id Ahmed\r",
        server.local_addr()
    ));
    shell.wait_for_bottom(&["** Current users in chat: Omar **", "[you] >"]);
    omar.expect("User Ahmed joined the chat");
    shell.keys("half");
    shell.wait_for_bottom(&["[you] > half"]);

    shell.keys("\x1a");
    shell.wait_for("the shell's prompt after `Stopped`", |t| {
        let rows = t.rows();
        rows.last().map(String::as_str) == Some("$") && rows.iter().any(|r| r.contains("Stopped"))
    });
    shell.keys("fg\r");
    shell.wait_for_bottom(&["[you] > half"]);
    assert!(!shell.in_normal_mode(), "raw mode is back");
    shell.keys(" typed\r");
    omar.expect("[Ahmed]: half typed");
    shell.wait_for_bottom(&["[you] > half typed", "[you] >"]);
}

/// The real `server` binary, so that a test can make it vanish without a word.
struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

/// Reads the server's log to its end, so that its writes never fail.
fn drain(mut log: impl std::io::Read + Send + 'static) {
    thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
}

impl ServerProcess {
    fn start() -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let mut banner = String::new();
        let mut log = BufReader::new(child.stdout.take().unwrap());
        log.read_line(&mut banner).unwrap();
        drain(log);
        let port = banner
            .trim()
            .strip_prefix("Server running on port ")
            .and_then(|rest| rest.strip_suffix("..."))
            .and_then(|port| port.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("unexpected banner {banner:?}"));
        ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Issue 21: in a terminal the line editor cannot drive (`TERM=dumb`) the terminal edits the line,
/// and the client still prompts (`[you] > `, again after each line), and Ctrl-C leaves cleanly:
/// the others are told, and the exit code is 0, not 130.
#[test]
fn a_dumb_terminal_gets_the_prompt_and_a_clean_leave_on_ctrl_c() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut ahmed = Terminal::dumb_ahmed(server.local_addr(), SIZE);
    ahmed.wait_for_bottom(&[
        "Enter your ID: Ahmed",
        "** Current users in chat: Omar **",
        "[you] >",
    ]);
    omar.expect("User Ahmed joined the chat");
    ahmed.keys("hello\r");
    omar.expect("[Ahmed]: hello");
    ahmed.wait_for_bottom(&["[you] > hello", "[you] >"]);
    omar.send("hi");
    ahmed.wait_for_bottom(&["[you] > hello", "[Omar]: hi", "[you] >"]);
    assert!(!ahmed.any_colour());

    ahmed.keys("\x03");
    omar.expect("User Ahmed left the chat");
    assert_eq!(ahmed.wait_exit(), Some(0));
}
