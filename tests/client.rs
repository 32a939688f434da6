//! The `client` binary end to end, with standard input and output piped: the way a script uses
//! it. Each test runs the real binary against an in-process server on port 0, and reads the
//! binary's output through a thread and a channel, so a client that hangs fails the test.

mod common;

use common::Client;
use common::program::Program;
use realtime_chat::id::IdRejection;
use realtime_chat::protocol;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::thread;

/// The real `client` binary with `args`, and `NO_COLOR` set to `no_color` (or unset).
fn client(args: &[&str], no_color: Option<&str>) -> Program {
    let mut command = Command::new(env!("CARGO_BIN_EXE_client"));
    command.args(args).env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    Program::start(&mut command)
}

/// A client on `addr` with extra arguments.
fn client_on(addr: SocketAddr, extra: &[&str]) -> Program {
    let addr = addr.to_string();
    let mut args = vec!["--addr", addr.as_str()];
    args.extend_from_slice(extra);
    client(&args, None)
}

/// A piped client shows the server's dialogue as it is: a rejected ID, the reason and a new
/// prompt, then the user list; lines go both ways; at the end of input it leaves, the others are
/// told, and it exits 0 without printing anything of its own.
#[test]
fn piped_client_retries_rejected_ids_chats_and_leaves_at_end_of_input() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut ahmed = client_on(server.local_addr(), &[]);

    ahmed.expect("Enter your ID:");
    ahmed.type_line("bad id");
    ahmed.expect(&IdRejection::BadCharacter(' ').line());
    ahmed.expect("Enter your ID:");
    ahmed.type_line("omar");
    ahmed.expect("ID 'Omar' is already taken");
    ahmed.expect("Enter your ID:");
    ahmed.type_line("Ahmed");
    ahmed.expect("** Current users in chat: Omar **");
    omar.expect("User Ahmed joined the chat");

    ahmed.type_line("Hello!");
    omar.expect("[Ahmed]: Hello!");
    omar.send("Hi Ahmed!");
    ahmed.expect("[Omar]: Hi Ahmed!");

    ahmed.close_stdin();
    omar.expect("User Ahmed left the chat");
    assert_eq!(ahmed.expect_exit(0), "");
}

/// `printf 'Ahmed\nhi\n' | client`: the whole input arrives at once and ends at once, and still
/// every line is sent, in order, before the client leaves.
#[test]
fn a_script_written_in_one_go_runs_to_its_end() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut ahmed = client_on(server.local_addr(), &[]);
    ahmed.type_line("Ahmed\nhi\n/users\nbye");
    ahmed.close_stdin();

    omar.expect("User Ahmed joined the chat");
    omar.expect("[Ahmed]: hi");
    omar.expect("[Ahmed]: bye");
    omar.expect("User Ahmed left the chat");
    ahmed.expect("Enter your ID:");
    ahmed.expect("** Current users in chat: Omar **");
    ahmed.expect("** Users in chat: Omar, Ahmed **");
    ahmed.expect_exit(0);
}

/// `--id` answers the first prompt (the prompt is still printed, as `nc` would show it), and
/// `/quit` leaves with exit code 0.
#[test]
fn id_flag_answers_the_first_prompt_and_quit_exits_0() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut ahmed = client_on(server.local_addr(), &["--id", "Ahmed"]);
    ahmed.expect("Enter your ID:");
    ahmed.expect("** Current users in chat: Omar **");
    omar.expect("User Ahmed joined the chat");

    ahmed.type_line("/quit");
    omar.expect("User Ahmed left the chat");
    ahmed.expect_exit(0);
}

/// A rejected `--id` is not fatal: the server's reason is shown and the user answers the next
/// prompt on the same connection.
#[test]
fn a_rejected_id_flag_is_asked_again_on_the_same_connection() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let mut client = client_on(server.local_addr(), &["--id", "OMAR"]);
    client.expect("Enter your ID:");
    client.expect("ID 'Omar' is already taken");
    client.expect("Enter your ID:");
    client.type_line("Sarah");
    client.expect("** Current users in chat: Omar **");
    omar.expect("User Sarah joined the chat");
}

/// When the server shuts down, a piped client passes on the server's last words and ends
/// cleanly (exit 0), even though its input is still open: the server said goodbye.
#[test]
fn server_shutdown_is_a_clean_end_with_exit_0() {
    let server = common::start_server();
    let ahmed = client_on(server.local_addr(), &["--id", "Ahmed"]);
    ahmed.expect("Enter your ID:");
    ahmed.expect("** No other users in chat **");

    server.shutdown();
    ahmed.expect(protocol::SHUTTING_DOWN);
    // `expect_exit` fails on any further line, so no `Disconnected` follows the goodbye.
    assert_eq!(ahmed.expect_exit(0), "", "nothing on stderr");
}

/// When the server goes away without a word (killed), the client says it is disconnected and
/// exits 1.
#[test]
fn a_server_that_vanishes_prints_disconnected_and_exits_1() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = listener.local_addr().expect("a bound address");
    let ahmed = client_on(addr, &[]);
    let (peer, _) = listener.accept().expect("the client connects");
    writeln!(&peer, "Enter your ID:").expect("the prompt is sent");
    ahmed.expect("Enter your ID:");
    drop(peer);
    ahmed.expect("** Disconnected from server **");
    ahmed.expect_exit(1);
}

/// The client shows the longest line a server with the default `--max-clients` can send: the
/// user list of a full room whose every ID is 32 four-byte characters. (A stand-in server sends
/// it; the real one would need a thousand connections.)
#[test]
fn the_longest_user_list_a_full_room_can_send_is_shown() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = listener.local_addr().expect("a bound address");
    let id = "\u{20000}".repeat(realtime_chat::id::MAX_ID_CHARS);
    let ids = vec![id.as_str(); realtime_chat::Config::default().max_clients];
    let list = protocol::current_users_line(&ids);
    assert_eq!(list.len(), realtime_chat::client::max_server_line());
    let server = thread::spawn({
        let list = list.clone();
        move || {
            let (mut stream, _) = listener.accept().expect("the client connects");
            stream
                .write_all(b"Enter your ID:\n")
                .expect("writing to the client");
            // Read the ID, so that closing sends a plain end of stream, not a reset.
            let mut id = String::new();
            BufReader::new(&stream).read_line(&mut id).expect("the ID");
            stream
                .write_all(format!("{list}\n").as_bytes())
                .expect("writing to the client");
        }
    });
    let client = client_on(addr, &["--id", "Ahmed"]);
    client.expect("Enter your ID:");
    client.expect(&list);
    server.join().expect("the stand-in server");
    client.expect("** Disconnected from server **");
    client.expect_exit(1);
}

/// With nothing listening, one line on stderr says what happened and what to do, and the exit
/// code is 2.
#[test]
fn nothing_listening_prints_one_line_and_exits_2() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("a bound address")
    };
    let client = client_on(addr, &[]);
    assert_eq!(
        client.expect_exit(2),
        format!(
            "client: cannot connect to {addr}: connection refused (is the server running? try make server)\n"
        )
    );
}

/// A mistyped flag is refused before connecting, in one line that lists the possible values
/// and points at `--help`.
#[test]
fn a_bad_flag_exits_2_with_a_hint() {
    let client = client(&["--color", "blue"], None);
    assert_eq!(
        client.expect_exit(2),
        "client: invalid value 'blue' for '--color <COLOR>'; possible values: auto, always, \
         never (see --help)\n"
    );
}

/// `--color always` colours even a pipe, and wins over `NO_COLOR`: system lines blue, other users'
/// messages yellow. (The user's own lines are not echoed in a pipe; their green is tested in a
/// terminal, in `tests/client_terminal.rs`.)
#[test]
fn color_always_paints_system_lines_blue_and_messages_yellow() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let addr = server.local_addr().to_string();
    let ahmed = client(
        &["--addr", &addr, "--id", "Ahmed", "--color", "always"],
        Some("1"),
    );
    ahmed.expect("\x1b[34mEnter your ID:\x1b[0m");
    ahmed.expect("\x1b[34m** Current users in chat: Omar **\x1b[0m");
    omar.expect("User Ahmed joined the chat");
    omar.send("Hi Ahmed!");
    ahmed.expect("\x1b[33m[Omar]: Hi Ahmed!\x1b[0m");

    server.shutdown();
    ahmed.expect("\x1b[34m** Server is shutting down **\x1b[0m");
    ahmed.expect_exit(0);
}

/// `--color never`, and the default in a pipe even without `NO_COLOR`, print no escape code at all.
#[test]
fn color_never_and_a_pipe_emit_no_escape_codes() {
    let server = common::start_server();
    let (mut omar, _) = Client::join(server.local_addr(), "Omar");
    let never = client_on(server.local_addr(), &["--id", "Ahmed", "--color", "never"]);
    never.expect("Enter your ID:");
    never.expect("** Current users in chat: Omar **");
    omar.expect("User Ahmed joined the chat");
    let default = client_on(server.local_addr(), &["--id", "Sarah"]);
    default.expect("Enter your ID:");
    default.expect("** Current users in chat: Omar, Ahmed **");
    never.expect("User Sarah joined the chat");
    omar.expect("User Sarah joined the chat");

    omar.send("Hi all!");
    never.expect("[Omar]: Hi all!");
    default.expect("[Omar]: Hi all!");
    server.shutdown();
    for client in [never, default] {
        client.expect(protocol::SHUTTING_DOWN);
        client.expect_exit(0);
    }
}
