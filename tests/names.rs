//! Names from every script join; names that look alike are one name; a refused character is
//! named, never echoed.

mod common;

use common::{Client, start_server};
use std::net::SocketAddr;

/// Names people really have, in scripts with combining marks and in Arabic, join and are shown
/// as typed.
#[test]
fn names_in_every_script_join() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut watcher, _) = Client::join(addr, "Watcher");
    for name in ["प्रिया", "தமிழ்", "José", "أحمد"] {
        let mut user = Client::join_seen_by(addr, name, &mut [&mut watcher]);
        user.send("/quit");
        watcher.expect(&format!("User {name} left the chat"));
    }
}

/// A name typed with a combining mark (`José` as `e` + U+0301) joins, shown composed, and then
/// holds the composed spelling too.
#[test]
fn a_decomposed_name_joins_composed_and_holds_both_forms() {
    let server = start_server();
    let addr = server.local_addr();
    let (mut watcher, _) = Client::join(addr, "Watcher");
    let mut decomposed = Client::connect(addr);
    decomposed.send("Jose\u{301}");
    decomposed.expect("** Current users in chat: Watcher **");
    watcher.expect("User Jos\u{e9} joined the chat");
    let mut composed = Client::connect(addr);
    composed.send("Jos\u{e9}");
    composed.expect("ID 'Jos\u{e9}' is already taken");
}

/// Each pair is one ID: the second is refused while the first is in the room, and the reason
/// names the holder; a pair that differs only in case gets the plain reason.
#[test]
fn look_alikes_collide() {
    let server = start_server();
    let addr = server.local_addr();
    let cases = [
        ("Ahmed", "AHMED", "ID 'Ahmed' is already taken"),
        (
            "Ahmed",
            "\u{410}hmed",
            "ID '\u{410}hmed' is already taken (it looks like 'Ahmed')",
        ),
        (
            "Ahmed",
            "ＡＨＭＥＤ",
            "ID 'ＡＨＭＥＤ' is already taken (it looks like 'Ahmed')",
        ),
        ("Zo\u{eb}", "Zoe\u{308}", "ID 'Zo\u{eb}' is already taken"),
        ("l1", "ll", "ID 'll' is already taken (it looks like 'l1')"),
        (
            "Omar",
            "0mar",
            "ID '0mar' is already taken (it looks like 'Omar')",
        ),
    ];
    for (holder, wanted, reason) in cases {
        let (mut holding, _) = Client::join(addr, holder);
        let mut other = Client::connect(addr);
        other.send(wanted);
        other.expect(reason);
        other.expect("Enter your ID:");
        holding.send("/quit");
        holding.expect_closed();
    }
}

/// Names that differ to the eye stay two users: `Anna` and `Ana`; `José` and `Jose`; and `l1`
/// and `li`, where the skeleton keeps the dot of the `i` (it maps `1` to `l`, so `l1` and `ll`
/// do collide).
#[test]
fn different_names_do_not_collide() {
    let server = start_server();
    let addr = server.local_addr();
    for (first, second) in [("Anna", "Ana"), ("José", "Jose"), ("l1", "li")] {
        both_join(addr, first, second);
    }
}

fn both_join(addr: SocketAddr, first: &str, second: &str) {
    let (mut a, _) = Client::join(addr, first);
    let (mut b, list) = Client::join(addr, second);
    assert_eq!(list, format!("** Current users in chat: {first} **"));
    for client in [&mut a, &mut b] {
        client.send("/quit");
        client.skip_chat_until_closed();
    }
}

/// A refused mark or invisible character is named by code point and Unicode name, never sent
/// back raw to draw over the quote or hide in the reason.
#[test]
fn refused_marks_and_invisibles_are_named() {
    let server = start_server();
    let mut client = Client::connect(server.local_addr());
    let rule = "use only letters, digits, '_', '-' or '.'";
    for (id, named) in [
        ("a\u{20DD}", "U+20DD COMBINING ENCLOSING CIRCLE"),
        ("\u{3164}", "U+3164 HANGUL FILLER"),
        ("Ahmed\u{200D}", "U+200D ZERO WIDTH JOINER"),
    ] {
        client.send(id);
        client.expect(&format!("ID rejected: {named} is not allowed; {rule}"));
        client.expect("Enter your ID:");
    }
    client.send("\u{301}Ahmed");
    client.expect(
        "ID rejected: it starts with U+0301 COMBINING ACUTE ACCENT, a mark that must follow a letter; use 1 to 32 letters, digits, '_', '-' or '.'",
    );
}
