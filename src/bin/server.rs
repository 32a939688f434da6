//! `server`: parses the command line, starts the chat server and serves until Ctrl-C, SIGTERM or
//! SIGHUP, which stop it gracefully (exit code 0).
//!
//! Go counterpart: the top of the original's `main` (`flag.Parse`, `net.Listen`, the banner). The
//! rest of `main`, its accept loop, lives in the library as the `acceptor` thread, so tests can run
//! the same server in-process.

use realtime_chat::{Config, Server, cli, interrupt, limits, memory, protocol, server};
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut config: Config = match cli::parse_or_exit() {
        Ok(config) => config,
        Err(code) => return code,
    };
    memory::give_back_freed_memory();
    // Raise the descriptor limit; lower --max-clients to what the thread limits allow.
    for line in limits::fit_to_system(&mut config) {
        eprintln!("server: {line}");
    }
    let addr = config.addr.clone();
    let server = match Server::bind(config) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("server: {}", server::describe_bind_error(&addr, &error));
            return ExitCode::from(2);
        }
    };
    if let Err(error) = interrupt::stop_on_signals(server.stopper()) {
        eprintln!("server: cannot handle Ctrl-C ({error}); it will end the server abruptly");
    }
    // NOTE: ignoring errors: a closed stdout (`server | head -0`) must not stop the room.
    let _ = writeln!(
        io::stdout(),
        "{}",
        protocol::log::running(server.local_addr().port())
    );
    server.wait();
    ExitCode::SUCCESS
}
