//! `loadgen`: parses the command line, runs one scenario (or prints a table of saved runs) and
//! exits 0 only if a run completed with nothing lost; see `loadgen --help`.

use clap::Parser;
use loadgen::args::{Cli, Command, Options};
use loadgen::{curve, plot, run, saved, table};
use std::net::TcpListener;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `clap` prints --help and --version, and a mistake in an option, and exits (2 for a mistake).
    let command = match Cli::parse().into_command() {
        Ok(command) => command,
        Err(message) => {
            eprintln!("loadgen: {message}");
            return ExitCode::from(2);
        }
    };
    let outcome = match command {
        Command::FreePort => free_port(),
        Command::Table(files) => print_table(&files),
        Command::Plot { curves, svg } => draw_picture(&curves, &svg),
        Command::Run(options) => run_scenario(&options),
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
    if let (Some(path), Some(curve)) = (&options.latencies, &report.curve) {
        curve::append(path, curve)?;
    }
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
    let first = saved::read_runs(&files[0])?;
    let second = files.get(1).map(|f| saved::read_runs(f)).transpose()?;
    print!("{}", table::render(&first, second.as_deref()));
    Ok(true)
}

fn draw_picture(curves: &str, svg: &str) -> Result<bool, String> {
    plot::draw(&curve::read_curves(curves)?, svg)?;
    Ok(true)
}
