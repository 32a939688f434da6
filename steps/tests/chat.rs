//! The chat every step keeps, run on every server the course compares (the Go original, each
//! step, ours): join, user list, no self-echo, leave, with a raw socket and with the steps' one
//! terminal client. Without Go, the Go original is skipped (`skipped: go not installed`).

mod subjects;

use std::process::Command;
use subjects::common::program::Program;
use subjects::common::{Client, without_colours};
use subjects::{Limits, expect_after_late_join, for_each_subject, last_shown};

/// The behaviour every step keeps: Omar joins an empty room, Ahmed joins and sees Omar, each
/// sees the other's message and never their own, and Omar sees Ahmed leave.
#[test]
fn every_server_runs_the_same_chat() {
    for_each_subject(Limits::NONE, |subject, addr| {
        let (mut omar, alone) = Client::join(addr, "Omar");
        assert!(
            [
                "** Current users in chat:  **",
                "** No other users in chat **"
            ]
            .contains(&alone.as_str()),
            "{subject:?}: {alone:?}"
        );
        let (mut ahmed, list) = Client::join(addr, "Ahmed");
        assert_eq!(list, "** Current users in chat: Omar **", "{subject:?}");
        omar.expect("User Ahmed joined the chat");
        omar.send("Hello Ahmed!");
        expect_after_late_join(&mut ahmed, "[Omar]: Hello Ahmed!", "Omar");
        ahmed.send("Hi Omar!");
        omar.expect("[Ahmed]: Hi Omar!");
        omar.send("How are you?");
        // Had Ahmed's own line come back to him, it would be here, before Omar's question.
        ahmed.expect("[Omar]: How are you?");
        drop(ahmed);
        omar.expect("User Ahmed left the chat");
    });
}

/// The steps' one terminal client (`step1-client`, the mirror of go/client/client.go) chats on
/// every server: the ID typed after the question, on its line; the user list; a message each
/// way; a clean exit at the end of input.
#[test]
fn the_step_client_chats_on_every_server() {
    for_each_subject(Limits::NONE, |subject, addr| {
        let (mut omar, _) = Client::join(addr, "Omar");
        let mut ahmed = Program::start(
            Command::new(env!("CARGO_BIN_EXE_step1-client")).args(["-addr", &addr.to_string()]),
        );
        ahmed.type_line("Ahmed");
        // The question has no newline after it: it shares a line of output with the list.
        let first = ahmed.read_line();
        assert!(
            without_colours(&first).contains("Enter your ID: "),
            "{subject:?}: {first:?}"
        );
        // The prompt leaves green on, so that what the user types (the terminal's echo) is green.
        assert!(
            first.contains("\x1b[32m[you] > ") && !first.contains("[you] > \x1b[0m"),
            "the prompt does not reset its colour: {first:?}"
        );
        assert_eq!(
            last_shown(&first),
            "** Current users in chat: Omar **",
            "{subject:?}"
        );
        omar.expect("User Ahmed joined the chat");
        ahmed.type_line("Hello!");
        omar.expect("[Ahmed]: Hello!");
        omar.send("Hi Ahmed!");
        let mut raw = ahmed.read_line();
        if last_shown(&raw) == "User Omar joined the chat" {
            raw = ahmed.read_line(); // Late, as in `room`.
        }
        assert_eq!(last_shown(&raw), "[Omar]: Hi Ahmed!", "{subject:?}");
        assert!(
            raw.contains("\x1b[33m"),
            "others' messages are yellow: {raw:?}"
        );
        ahmed.close_stdin();
        omar.expect("User Ahmed left the chat");
        let (rest, code) = ahmed.finish();
        assert_eq!(code, Some(0), "{subject:?}: exit code at the end of input");
        for line in rest {
            assert_eq!(
                without_colours(&line).replace("[you] > ", ""),
                "",
                "only prompts left"
            );
        }
    });
}
