//! Step 1, the mirror: the Go original's terminal client (`go/client/client.go`) in Rust, line
//! for line, in the same order and with the same names, to be read beside it. One thread prints
//! what the server sends, `main` sends what the user types, and a green `[you] > ` prompt waits at
//! the bottom of the screen; what you type is green too.
//!
//! It knows one line of the protocol, the ID question, so that the ID is typed on its line
//! (`Enter your ID: Ahmed`); the ID is simply the first line typed. It is the client of every
//! step: the steps change the server only, and it works with each of them, with the Go original's
//! server and with ours.
//!
//! Run it: `make step-client STEP=1`, or `step1-client -addr localhost:5000`.

use ansi_term::Colour::{Blue, Green, Red, Yellow};
use go_std::{Flag, parse_flags, read_string};
use std::io::{self, BufReader, Write};
use std::net::TcpStream;
use std::process;
use std::thread;

// Colours: other users' messages yellow, the server's notices blue, the prompt and your own
// messages green (the prompt leaves green on, so the terminal's echo of what you type is green;
// every other line sets its own).
//
// GO: Go's colours are string constants; ansi_term's are values, `Green.paint(text)` (the text,
// then a reset) or `Green.prefix()` (no reset), so the prompt is a function.
fn prompt() -> String {
    format!("{}[you] > ", Green.prefix())
}

/// clear_line goes back to the start of the line and erases it, so an incoming message replaces
/// the prompt instead of following it. (ansi_term colours text; erasing is not its job.)
const CLEAR_LINE: &str = "\r\x1b[K";

/// id_question is the server's first line: the ID is typed after it, on the same line, with no
/// prompt.
const ID_QUESTION: &str = "Enter your ID:";

fn main() {
    // DIFFERENCE: the original always dials localhost:5000. The flag lets tests run it against a
    // server on a free port.
    let [addr] = parse_flags([Flag {
        name: "addr",
        default: "localhost:5000",
        usage: "server address, HOST:PORT",
    }]);

    let conn = match TcpStream::connect(&addr) {
        Ok(conn) => conn,
        Err(err) => {
            println!(
                "{}",
                Red.paint(format!("Error connecting to server: {err}"))
            );
            process::exit(1);
        }
    };

    // GO: a thread needs its own handle on the socket: `try_clone` gives it a second descriptor
    // of the same connection (an `Arc` would do too).
    let reader_conn = conn
        .try_clone()
        .expect("a second descriptor for the reader thread");
    thread::spawn(move || read_messages(reader_conn));

    // At the end of input main returns, and the process exits with it, closing the connection
    // (the reader thread ends with the process, as Go's goroutines do).
    // NOTE: lines still on their way from the server are never shown.
    let mut input = io::stdin().lock();
    loop {
        let Ok(line) = read_string(&mut input) else {
            print!("{}", Green.suffix());
            return;
        };
        // The prompt goes first, so that the answer to this line (the user list, after the ID)
        // is drawn over it rather than followed by it.
        // NOTE: two threads print with no lock between them: a message that arrives just as
        // Enter is pressed still shows "[you] > [you] > ".
        print_now(&prompt());
        // GO: Go ignores `Fprint`'s error; `let _` says so.
        let _ = (&conn).write_all(line.as_bytes());
    }
}

/// read_messages prints each line from the server over the prompt, in colour, then draws the
/// prompt again. It ends the program when the server goes away.
fn read_messages(conn: TcpStream) {
    let mut reader = BufReader::new(conn);
    loop {
        let Ok(line) = read_string(&mut reader) else {
            println!(
                "{CLEAR_LINE}{}",
                Red.paint("** Disconnected from server **")
            );
            process::exit(1);
        };
        let line = line.trim_end_matches(['\r', '\n']);
        if line == ID_QUESTION {
            print_now(&format!("{CLEAR_LINE}{} ", Blue.paint(line)));
            continue;
        }
        let colour = if line.starts_with('[') { Yellow } else { Blue };
        // NOTE: the line is printed as it came, escape codes included: any user can recolour
        // or clear everyone's terminal.
        print_now(&format!("{CLEAR_LINE}{}\n{}", colour.paint(line), prompt()));
    }
}

/// Go's `fmt.Print`: the text, on the screen at once.
///
/// GO: Rust's stdout is line-buffered, so text without a newline (the prompt) would wait there;
/// Go's is not buffered at all.
fn print_now(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
