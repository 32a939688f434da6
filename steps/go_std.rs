//! The three pieces of Go's standard library that the steps use and Rust's lacks, written once so
//! that each step reads line for line beside `go/`: Go's `flag` package (single-dash `-port 5000`
//! flags), `bufio.Reader.ReadString('\n')` and `fmt.Fprintln` on a connection.
//!
//! Everything else the steps need is in Rust's standard library or in the crates the design card
//! names (`crossbeam-channel`, `parking_lot`, `ansi_term`).

use std::io::{self, BufRead, ErrorKind, Write};
use std::net::TcpStream;
use std::process;

/// One command-line flag, as Go's `flag.String(name, default, usage)` declares it.
pub struct Flag {
    pub name: &'static str,
    pub default: &'static str,
    pub usage: &'static str,
}

/// Go's `flag.Parse()` for string flags: each value in the order the flags are given, from
/// `-name value`, `-name=value`, `--name value` or `--name=value`, else its default. `-h` prints
/// the usage and exits 0; anything else unknown prints the usage and exits 2, as Go does.
///
/// GO: clap (which the real server uses) knows no single-dash long flags, and the steps take the
/// Go original's flags so that one command line runs either.
pub fn parse_flags<const N: usize>(flags: [Flag; N]) -> [String; N] {
    let mut values = flags.each_ref().map(|flag| flag.default.to_string());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let name = arg.trim_start_matches('-');
        if name == "h" || name == "help" {
            print_usage(&flags);
            process::exit(0);
        }
        let (name, inline) = match name.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (name, None),
        };
        let Some(at) = flags
            .iter()
            .position(|flag| flag.name == name && arg.starts_with('-'))
        else {
            fail(&flags, &format!("flag provided but not defined: {arg}"));
        };
        match inline.or_else(|| args.next()) {
            Some(value) => values[at] = value,
            None => fail(&flags, &format!("flag needs an argument: -{name}")),
        }
    }
    values
}

fn fail(flags: &[Flag], problem: &str) -> ! {
    eprintln!("{problem}");
    print_usage(flags);
    process::exit(2);
}

fn print_usage(flags: &[Flag]) {
    let program = std::env::args().next().unwrap_or_default();
    eprintln!("Usage of {program}:");
    for flag in flags {
        eprintln!(
            "  -{} string\n    \t{} (default {:?})",
            flag.name, flag.usage, flag.default
        );
    }
}

/// Go's `reader.ReadString('\n')`: the next line with its newline, or an error when the stream
/// ends (or fails) before a newline, a last unfinished line included.
///
/// GO: a Go string holds any bytes, a Rust `String` only UTF-8, so bytes that are not UTF-8
/// become U+FFFD here where Go passes them on. `read_line` would fail on them instead, and end
/// the connection.
pub fn read_string(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(ErrorKind::UnexpectedEof.into());
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Go's `fmt.Fprintln(conn, text)`: the text and a newline, in one write.
///
/// GO: `writeln!(conn, ...)` on an unbuffered `TcpStream` writes each piece of the format
/// separately (the text, then the newline), and another thread's line could land between
/// them; Go's `Fprintln` formats first and writes once, and so does this.
pub fn fprintln(mut conn: &TcpStream, text: &str) -> io::Result<()> {
    conn.write_all(format!("{text}\n").as_bytes())
}
