//! `loadgen`: parses the command line, runs one scenario (or prints a table of saved runs) and
//! exits 0 only if a run completed with nothing lost; see `loadgen --help`.

use loadgen::args::{self, Command, Options};
use loadgen::{run, table};
use std::net::TcpListener;
use std::process::ExitCode;

fn main() -> ExitCode {
    let outcome = match args::parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{}", args::USAGE);
            Ok(true)
        }
        Ok(Command::FreePort) => free_port(),
        Ok(Command::Table(files)) => print_table(&files),
        Ok(Command::Run(options)) => run_scenario(&options),
        Err(message) => {
            eprintln!("loadgen: {message}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("loadgen: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the report; true when the run completed and lost nothing.
fn run_scenario(options: &Options) -> Result<bool, String> {
    let report = run::run(options)?;
    let text = if options.json {
        report.to_json()
    } else {
        report.to_table()
    };
    println!("{}", text.trim_end());
    Ok(report.status == "ok" && report.lost == 0)
}

fn free_port() -> Result<bool, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("finding a free port: {e}"))?
        .port();
    println!("{port}");
    Ok(true)
}

fn print_table(files: &[String]) -> Result<bool, String> {
    let first = table::read_runs(&files[0])?;
    let second = files.get(1).map(|f| table::read_runs(f)).transpose()?;
    print!("{}", table::render(&first, second.as_deref()));
    Ok(true)
}
