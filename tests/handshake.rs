//! The ID handshake: prompt, validation, uniqueness, retry on the same connection.

mod common;

use common::{Client, start_server, start_server_with, test_config};
use realtime_chat::Config;
use realtime_chat::protocol::TOO_MANY_ID_REJECTIONS;

/// The exact first exchange: prompt, ID, then the user list.
#[test]
fn handshake_is_prompt_then_id_then_user_list() {
    let server = start_server();
    let mut client = Client::connect_silently(server.local_addr());
    client.expect("Enter your ID:");
    client.send("Ahmed");
    client.expect("** No other users in chat **");
}

/// A newcomer sees everyone already there, in join order.
#[test]
fn newcomer_sees_current_users_in_join_order() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut omar, _) = Client::join(addr, "Omar");
    let _sarah = Client::join_seen_by(addr, "Sarah", &mut [&mut omar]);
    let (_ahmed, list) = Client::join(addr, "Ahmed");
    assert_eq!(list, "** Current users in chat: Omar, Sarah **");
}

/// Surrounding whitespace and a `\r\n` ending are not part of the ID.
#[test]
fn id_is_trimmed() {
    let server = start_server();
    let addr = server.local_addr();
    let mut ahmed = Client::connect(addr);
    ahmed.send_raw(b"  Ahmed \r\n");
    ahmed.expect("** No other users in chat **");
    let (_omar, list) = Client::join(addr, "Omar");
    assert_eq!(list, "** Current users in chat: Ahmed **");
}

/// Invalid IDs are refused with the rule, and the client may retry on the same connection.
#[test]
fn invalid_ids_are_refused_with_the_rule_and_retried() {
    let server = start_server();
    let mut client = Client::connect(server.local_addr());
    for bad in ["", "   ", "two words", "[admin]", &"x".repeat(33)] {
        client.send(bad);
        let reason = client.read_line();
        assert!(
            reason.starts_with("ID rejected: "),
            "{bad:?} got {reason:?}"
        );
        assert!(
            reason.contains("letters, digits"),
            "the reason states the rule: {reason}"
        );
        client.expect("Enter your ID:");
    }
    client.send("Ahmed");
    client.expect("** No other users in chat **");
}

/// IDs are unique ignoring case; the taken message names the ID as its owner spelled it.
#[test]
fn duplicate_ids_are_refused_ignoring_case() {
    let server = start_server();
    let addr = server.local_addr();
    let (_ahmed, _) = Client::join(addr, "Ahmed");
    let mut other = Client::connect(addr);
    other.send("AHMED");
    other.expect("ID 'Ahmed' is already taken");
    other.expect("Enter your ID:");
    other.send("ahmed");
    other.expect("ID 'Ahmed' is already taken");
    other.expect("Enter your ID:");
    other.send("Ahmed2");
    other.expect("** Current users in chat: Ahmed **");
}

/// A client that hangs up before choosing an ID is never announced, and frees nothing it never had.
#[test]
fn client_leaving_during_handshake_is_never_announced() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut watcher, _) = Client::join(addr, "Watcher");
    let mut quitter = Client::connect(addr);
    quitter.send("not valid!");
    quitter.read_line();
    drop(quitter);
    // The next join notice proves the server has moved past the quitter's connection.
    let _ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut watcher]);
    watcher.expect_silence();
    assert_eq!(watcher.users(), ["Watcher", "Ahmed"]);
}

/// An ID freed by a leave can be taken again.
#[test]
fn id_is_free_again_after_its_owner_leaves() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut watcher, _) = Client::join(addr, "Watcher");
    let ahmed = Client::join_seen_by(addr, "Ahmed", &mut [&mut watcher]);
    drop(ahmed);
    watcher.expect("User Ahmed left the chat");
    let (_again, list) = Client::join(addr, "ahmed");
    assert_eq!(list, "** Current users in chat: Watcher **");
}

/// ID attempts are paced like chat lines: after a burst of five, the next prompt waits for the
/// rate (here one a second), so a script cannot try IDs as fast as the server answers.
#[test]
fn id_attempts_are_paced_after_a_burst() {
    let server = start_server_with(Config {
        max_rate: 1,
        ..test_config()
    });
    let mut client = Client::connect(server.local_addr());
    client.send_raw("[x]\n".repeat(6).as_bytes());
    for _ in 0..5 {
        assert!(client.read_line().starts_with("ID rejected: "));
        client.expect("Enter your ID:");
    }
    assert!(client.read_line().starts_with("ID rejected: "));
    client.expect_silence();
    client.expect("Enter your ID:");
}

/// After ten rejected IDs the connection is told why and closed.
#[test]
fn a_connection_is_closed_after_ten_rejected_ids() {
    let server = start_server_with(Config {
        max_rate: 0,
        ..test_config()
    });
    let mut client = Client::connect(server.local_addr());
    client.send_raw("[x]\n".repeat(12).as_bytes());
    for attempt in 1..=10 {
        assert!(client.read_line().starts_with("ID rejected: "));
        if attempt < 10 {
            client.expect("Enter your ID:");
        }
    }
    client.expect(TOO_MANY_ID_REJECTIONS);
    client.expect_closed();
}
