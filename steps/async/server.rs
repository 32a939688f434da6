//! The async mirror's binary: Go's `-port` flag and banner, then the chat until the process is
//! stopped. See lib.rs, and docs/threads-and-tasks.md for what it shows.
//!
//! `async-server -port 5000 [-capacity 4096]`: `-capacity` is the broadcast channel's size in
//! messages, to measure Comprehensive Rust's 16 beside the default.

use std::net::SocketAddr;
use std::process::ExitCode;
use tasks::{BROADCAST_CAPACITY, Server};

fn main() -> ExitCode {
    let (port, capacity) = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(problem) => {
            eprintln!(
                "{problem}\nusage: async-server [-port 5000] [-capacity {BROADCAST_CAPACITY}]"
            );
            return ExitCode::from(2);
        }
    };
    // NOTE: "0.0.0.0" listens on every network interface, as the mirror does.
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let server = match Server::bind(addr, capacity) {
        Ok(server) => server,
        Err(err) => {
            println!("Error starting server: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("Server running on port {port}...");
    server.run();
    ExitCode::SUCCESS
}

/// `-port N` and `-capacity N`, with one or two dashes, as the steps' Go-style flags.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(u16, usize), String> {
    let (mut port, mut capacity) = (5000, BROADCAST_CAPACITY);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or(format!("flag needs an argument: {flag}"))?;
        let bad = |_| format!("{flag}: not a number: {value}");
        match flag.trim_start_matches('-') {
            "port" => port = value.parse().map_err(bad)?,
            "capacity" => capacity = value.parse().map_err(bad)?,
            _ => return Err(format!("flag provided but not defined: {flag}")),
        }
    }
    if capacity == 0 {
        return Err("-capacity: a broadcast channel holds at least 1 message".into());
    }
    Ok((port, capacity))
}
