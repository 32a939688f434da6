//! What the `server` and `client` command lines share: a parser for seconds within a range, and
//! the one-line error a person sees when an option is wrong.
//!
//! Go counterpart: the `flag` package, whose errors are also one line and exit 2. The options
//! themselves are declared with `clap` beside what they configure ([`crate::config::Config`],
//! [`crate::client::Options`]).

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::process::ExitCode;
use std::time::Duration;

/// A `clap` value parser for a number of seconds from `min` to `max`, decimals allowed (`0.5`).
/// The range is checked before the number becomes a [`Duration`], where `1e19` seconds would not
/// fit and `1e-10` would round to zero.
pub fn seconds_between(
    min: f64,
    max: f64,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    move |text| match text.parse::<f64>() {
        Ok(seconds) if (min..=max).contains(&seconds) => Ok(Duration::from_secs_f64(seconds)),
        _ => Err(format!("expected a number of seconds from {min} to {max}")),
    }
}

/// A `clap` value parser for a whole number from `min` to `max`, whose error names the range
/// whatever was wrong with the value: not a number (`lots`, `-1`, `2.5`) or out of range.
pub fn whole_between<T>(
    min: u64,
    max: u64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64> + Clone + Send + Sync + 'static,
{
    move |text| {
        text.parse::<u64>()
            .ok()
            .filter(|number| (min..=max).contains(number))
            .and_then(|number| T::try_from(number).ok())
            .ok_or_else(|| format!("expected a whole number from {min} to {max}"))
    }
}

/// Parses the process's command line into `T`. `--help` and `--version` are printed and end the
/// program with 0; a mistake is printed as one line on stderr (see [`one_line`]) and ends it with 2.
pub fn parse_or_exit<T: Parser>() -> Result<T, ExitCode> {
    let program = T::command().get_name().to_string();
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    if let Some(message) = go_flag(&args[1.min(args.len())..], &T::command()) {
        eprintln!("{program}: {message}");
        return Err(ExitCode::from(2));
    }
    T::try_parse().map_err(|error| match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let text = error.render().to_string();
            println!("{}", text.trim_end());
            ExitCode::SUCCESS
        }
        _ => {
            let message = match positional(&error) {
                Some(arg) => format!(
                    "unexpected positional argument '{arg}': {program} takes only options, \
                         such as --addr HOST:PORT (see --help)"
                ),
                None => one_line(&error.render().to_string()),
            };
            eprintln!("{program}: {message}");
            ExitCode::from(2)
        }
    })
}

/// A flag written the Go way, with one dash (`-port 5000`, `-addr HOST:PORT`, `-trace`), as the
/// Go original and Go's `flag` package take them, answered with what to write here. `clap` would
/// read `-port` as the short flags `-p -o -r -t` and name only the first.
pub fn go_flag(args: &[String], command: &clap::Command) -> Option<String> {
    let (at, arg) = args.iter().enumerate().find(|(_, arg)| {
        arg.len() > 2 && arg.starts_with('-') && arg.as_bytes()[1].is_ascii_alphabetic()
    })?;
    let (name, joined) = match arg[1..].split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (&arg[1..], None),
    };
    let value = joined.or(args.get(at + 1).map(String::as_str));
    let takes_value = |long: &str| {
        command
            .get_arguments()
            .find(|option| option.get_long() == Some(long))
            .map(|option| option.get_action().takes_values())
    };
    let suggestion = match (name, value) {
        ("port", Some(port)) => format!("--addr 127.0.0.1:{port}"),
        ("port", None) => "--addr 127.0.0.1:PORT".to_string(),
        (long, Some(value)) if takes_value(long) == Some(true) => format!("--{long} {value}"),
        (long, _) if takes_value(long).is_some() => format!("--{long}"),
        _ => return None,
    };
    Some(format!(
        "unexpected argument '{arg}': that is the Go original's way; use {suggestion} (options take two dashes here, see --help)"
    ))
}

/// The argument `clap` did not expect, when it is a bare word rather than a misspelled option:
/// `client 127.0.0.1:5000` should be told it needs `--addr`, not that an option is unknown.
fn positional(error: &clap::Error) -> Option<String> {
    if error.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) if !arg.starts_with('-') => Some(arg.clone()),
        _ => None,
    }
}

/// Folds `clap`'s error (a message, a tip or the possible values, a usage line, a pointer to
/// `--help`) into one line: the message, its tips, and where to read more.
pub fn one_line(rendered: &str) -> String {
    let message = rendered
        .lines()
        .find_map(|line| line.strip_prefix("error: "))
        .unwrap_or("invalid command line");
    let tips: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter_map(|line| {
            line.strip_prefix("tip: ")
                .or_else(|| line.strip_prefix('[')?.strip_suffix(']'))
        })
        .collect();
    if tips.is_empty() {
        format!("{message} (see --help)")
    } else {
        format!("{message}; {} (see --help)", tips.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_checked_against_their_range() {
        let parse = seconds_between(0.01, 3600.0);
        assert_eq!(parse("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("3600"), Ok(Duration::from_secs(3600)));
        for bad in ["0", "0.001", "1e19", "-1", "NaN", "inf", "two"] {
            assert!(parse(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn whole_numbers_name_their_range_whatever_is_wrong() {
        let parse = whole_between::<u32>(1, 100);
        assert_eq!(parse("100"), Ok(100));
        for bad in ["0", "101", "-1", "lots", "2.5", "", "99999999999999999999"] {
            assert_eq!(
                parse(bad),
                Err("expected a whole number from 1 to 100".to_string()),
                "{bad}"
            );
        }
    }

    #[test]
    fn go_flags_get_their_equivalent() {
        use clap::CommandFactory;
        #[derive(Parser)]
        #[allow(dead_code)] // Only its declaration is used.
        #[command(name = "server")]
        struct Options {
            #[arg(long)]
            addr: Option<String>,
            #[arg(long)]
            trace: bool,
        }
        let command = Options::command();
        let answer = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
            go_flag(&args, &command)
        };
        let told = |suggestion: &str, arg: &str| {
            Some(format!(
                "unexpected argument '{arg}': that is the Go original's way; use {suggestion} \
                 (options take two dashes here, see --help)"
            ))
        };
        assert_eq!(
            answer(&["-port", "5000"]),
            told("--addr 127.0.0.1:5000", "-port")
        );
        assert_eq!(
            answer(&["-port=6000"]),
            told("--addr 127.0.0.1:6000", "-port=6000")
        );
        assert_eq!(
            answer(&["-addr", "10.0.0.1:5000"]),
            told("--addr 10.0.0.1:5000", "-addr")
        );
        assert_eq!(
            answer(&["-trace", "--addr", "x"]),
            told("--trace", "-trace")
        );
        for fine in [&["--addr", "-1"][..], &["-1"], &["-h"], &["-bogus"]] {
            assert_eq!(answer(fine), None, "{fine:?}");
        }
    }

    #[test]
    fn a_clap_error_becomes_one_line_with_its_tip() {
        let rendered = "error: unexpected argument '--adr' found\n\n  tip: a similar argument exists: \
                        '--addr'\n\nUsage: server [OPTIONS]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered),
            "unexpected argument '--adr' found; a similar argument exists: '--addr' (see --help)"
        );
        let rendered = "error: invalid value 'blue' for '--color <COLOR>'\n  [possible values: auto, \
                        always, never]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered),
            "invalid value 'blue' for '--color <COLOR>'; possible values: auto, always, never (see --help)"
        );
    }
}
