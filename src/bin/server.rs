//! `server`: parses the command line, starts the chat server and serves until killed.
//!
//! Go counterpart: the top of the original's `main` (`flag.Parse`, `net.Listen`, the banner). The
//! rest of `main`, its accept loop, lives in the library as the `acceptor` thread, so tests can run
//! the same server in-process.

use realtime_chat::config::{self, Command};
use realtime_chat::{Server, protocol, server};
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let config = match config::parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            println!("{}", config::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("server: {message}");
            return ExitCode::from(2);
        }
    };
    let addr = config.addr.clone();
    match Server::bind(config) {
        Ok(server) => {
            // NOTE: ignoring errors: a closed stdout (`server | head -0`) must not stop the room.
            let _ = writeln!(
                io::stdout(),
                "{}",
                protocol::log::running(server.local_addr().port())
            );
            server.wait();
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("server: {}", server::describe_bind_error(&addr, &error));
            ExitCode::from(2)
        }
    }
}
