//! `client`: parses the command line, runs the terminal client, and turns how it ended into an
//! exit code: 0 when the user left or the server said it was shutting down, 1 when the server
//! went away without a word, 2 when it could not be reached or the command line is wrong.

use realtime_chat::cli;
use realtime_chat::client::{self, Ending, Options};
use std::process::ExitCode;

fn main() -> ExitCode {
    let options: Options = match cli::parse_or_exit() {
        Ok(options) => options,
        Err(code) => return code,
    };
    match client::run(options) {
        Ok(Ending::Left | Ending::ServerStopped) => ExitCode::SUCCESS,
        Ok(Ending::Disconnected) => ExitCode::from(1),
        Err(error) => {
            eprintln!("client: {error}");
            ExitCode::from(2)
        }
    }
}
