//! Nobody can make a line that reads like someone else's: characters that break or hide text are
//! stripped, telnet's commands are dropped, and the IDs that the client and the server speak as
//! are reserved.

mod common;

use common::{Client, omar_and_ahmed, start_server};

/// Line and paragraph separators and invisible characters never reach another user; runs of
/// spaces (indented code) do.
#[test]
fn separators_and_invisible_characters_are_stripped_but_spaces_are_kept() {
    let server = start_server();
    let (mut omar, mut ahmed) = omar_and_ahmed(server.local_addr());
    ahmed.send("quiz\u{2028}User Omar left the chat");
    omar.expect("[Ahmed]: quizUser Omar left the chat");
    ahmed.send("a\u{2029}b\u{85}c\u{200E}d\u{200F}e\u{61C}f\u{200B}g\u{3164}h");
    omar.expect("[Ahmed]: abcdefgh");
    ahmed.send("    let x = 1;   // indented");
    omar.expect("[Ahmed]:     let x = 1;   // indented");
}

/// telnet's Ctrl-C (IAC IP, then IAC DO TIMING-MARK) is a command to the server, not text: it
/// reaches nobody, at the ID prompt or in the chat.
#[test]
fn telnet_commands_are_dropped() {
    let server = start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut telnet = Client::connect(server.local_addr());
    telnet.send_raw(b"\xff\xf4\xff\xfd\x06Tel\n");
    telnet.expect("** Current users in chat: Omar **");
    omar.expect("User Tel joined the chat");
    telnet.send_raw(b"stop\xff\xf4\xff\xfd\x06 that\n");
    omar.expect("[Tel]: stop that");
}

/// `You`, `SERVER` and their look-alikes are refused, saying why.
#[test]
fn reserved_ids_are_refused_with_the_reason() {
    let server = start_server();
    let mut client = Client::connect(server.local_addr());
    for id in ["you", "SERVER", "Y\u{43E}u", "Server"] {
        client.send(id);
        client.expect(&format!(
            "ID rejected: '{id}' is reserved, so that nobody's lines read like your own or the \
             server's; choose another"
        ));
        client.expect("Enter your ID:");
    }
}
