//! `client`: a minimal line client. Sends each line of standard input, prints each line from the
//! server. (The full terminal client, with colours and a prompt, is its own piece of work.)

use std::io::{self, BufRead, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::thread;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = match (args.next().as_deref(), args.next()) {
        (None, _) => "127.0.0.1:5000".to_string(),
        (Some("--addr"), Some(addr)) => addr,
        _ => {
            eprintln!("usage: client [--addr HOST:PORT]");
            return ExitCode::from(2);
        }
    };
    let stream = match TcpStream::connect(&addr) {
        Ok(stream) => stream,
        Err(error) => {
            eprintln!("cannot connect to {addr}: {error} (is the server running? try make server)");
            return ExitCode::from(2);
        }
    };
    let incoming = stream
        .try_clone()
        .expect("a connected socket can be cloned");
    let printer = thread::spawn(move || {
        for line in io::BufReader::new(incoming).lines() {
            let Ok(line) = line else { break };
            println!("{line}");
        }
    });
    let mut outgoing = &stream;
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if writeln!(outgoing, "{line}").is_err() {
            break;
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = printer.join();
    ExitCode::SUCCESS
}
