//! Joins, leaves, messages and commands between joined clients.

mod common;

use common::{Client, omar_and_ahmed, start_server};

/// Everyone else hears of a join and a leave; the subject hears neither.
#[test]
fn join_and_leave_are_announced_to_the_others_only() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let (mut sarah, _) = Client::join(addr, "Sarah");
    omar.expect("User Sarah joined the chat");
    let mut ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut omar, &mut sarah]);
    ahmed.send("/quit");
    ahmed.expect_closed();
    omar.expect("User Ahmed left the chat");
    sarah.expect("User Ahmed left the chat");
    omar.expect_silence();
    sarah.expect_silence();
}

/// A message reaches every other joined client, formatted `[id]: text`, and never its sender.
#[test]
fn message_reaches_everyone_but_the_sender() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let mut ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut omar, &mut sarah]);
    omar.send("Hi Ahmed!");
    ahmed.expect("[Omar]: Hi Ahmed!");
    sarah.expect("[Omar]: Hi Ahmed!");
    // Omar's own next line proves the server has handled his message without echoing it.
    omar.send("/help");
    omar.expect("** Commands: /users, /quit, /help **");
}

/// Leaving by closing the socket announces the leave exactly once.
#[test]
fn end_of_stream_is_a_leave_announced_once() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, ahmed) = omar_and_ahmed(addr);
    drop(ahmed);
    omar.expect("User Ahmed left the chat");
    omar.expect_silence();
}

/// Every command, answered to the sender only.
#[test]
fn commands_are_answered_to_the_sender_only() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    ahmed.send("/users");
    ahmed.expect("** Users in chat: Omar, Ahmed **");
    ahmed.send("/help");
    ahmed.expect("** Commands: /users, /quit, /help **");
    ahmed.send("/foo bar");
    ahmed.expect("** Unknown command: /foo (try /help) **");
    ahmed.send("/quit");
    ahmed.expect_closed();
    omar.expect("User Ahmed left the chat");
    omar.expect_silence();
}

/// `//` sends a message that starts with one `/`.
#[test]
fn double_slash_escapes_a_message() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    ahmed.send("//users is a command");
    omar.expect("[Ahmed]: /users is a command");
}

/// `\r\n` endings (telnet) are accepted, and the `\r` never reaches anyone.
#[test]
fn crlf_input_is_accepted() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    ahmed.send_raw(b"hello\r\n/users\r\n");
    omar.expect("[Ahmed]: hello");
    ahmed.expect("** Users in chat: Omar, Ahmed **");
}

/// Control characters are removed and a tab becomes a space.
#[test]
fn control_characters_are_stripped() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    ahmed.send_raw(b"a\tb\x1b[2Jc\x07d\x7f\n");
    omar.expect("[Ahmed]: a b[2Jcd");
}

/// Blank and whitespace-only lines are dropped without a word.
#[test]
fn blank_lines_are_dropped() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, mut ahmed) = omar_and_ahmed(addr);
    ahmed.send_raw(b"\n   \n\t\r\n\x07\nreal\n");
    omar.expect("[Ahmed]: real");
    ahmed.send("/users");
    ahmed.expect("** Users in chat: Omar, Ahmed **");
}

/// A newcomer's first line is its list: nothing said before it joined reaches it.
#[test]
fn newcomer_receives_nothing_from_before_its_join() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    for i in 0..50 {
        omar.send(&format!("before {i}"));
    }
    // Omar's `/users` answer comes through the broadcaster after his fifty messages.
    assert_eq!(omar.users(), ["Omar"]);
    let (mut ahmed, list) = Client::join(addr, "Ahmed");
    assert_eq!(list, "** Current users in chat: Omar **");
    omar.send("after");
    ahmed.expect("[Omar]: after");
}

/// Stopping the server tells every client, joined or still choosing an ID, and closes the
/// connection.
#[test]
fn shutdown_tells_clients_and_closes() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let mut waiting = Client::connect(addr);
    server.shutdown();
    omar.expect("** Server is shutting down **");
    omar.expect_closed();
    waiting.expect("** Server is shutting down **");
    waiting.expect_closed();
}
