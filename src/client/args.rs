//! The client's command line: where to connect, an optional ID, and when to use colour.
//!
//! Go counterpart: the original client takes no flags and always dials `localhost:5000`. The three
//! options here exist for demos and tests: `--addr` reaches a server on another port, `--id` answers
//! the first ID prompt without typing, and `--color` overrides the terminal detection.

/// Where the client connects when no `--addr` is given: the server's own default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:5000";

/// The `client --help` text. Every option and its default is here and in the README.
pub const USAGE: &str = "\
Usage: client [OPTIONS]

A terminal client for the chat room. Type a line and press Enter to send it; /quit or Ctrl-D leaves.

Options:
  --addr HOST:PORT              server to connect to [default: 127.0.0.1:5000]
  --id NAME                     answer the first ID prompt with NAME (if the server rejects it,
                                the client shows why and asks again)
  --color auto|always|never     colour the output [default: auto: on when standard output is a
                                terminal and NO_COLOR is not set]
  -h, --help                    print this help

Exit codes: 0 after /quit or end of input, 1 if the server went away, 2 if it could not be reached
or the command line is wrong.";

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour only when standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Settles the choice. `no_color_set` is true when the `NO_COLOR` variable is present and not
    /// empty, the <https://no-color.org> convention; only `Auto` listens to it.
    pub fn resolve(self, stdout_is_terminal: bool, no_color_set: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && !no_color_set,
        }
    }
}

/// Everything the command line can say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub addr: String,
    /// Sent as the answer to the server's first `Enter your ID:`; later prompts are the user's.
    pub id: Option<String>,
    pub color: ColorChoice,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            addr: DEFAULT_ADDR.to_string(),
            id: None,
            color: ColorChoice::Auto,
        }
    }
}

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run(Options),
    Help,
}

/// Reads the client's command line (without the program name). Options take their value as the
/// next argument or after `=` (`--color=never`, as `ls` and `grep` accept it). The error is a
/// one-line message for a person, naming the option and what it expects.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (option, value) = match arg.split_once('=') {
            Some((option, value)) => (option.to_string(), value.to_string()),
            None => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{arg} needs a value (see --help)"))?;
                (arg, value)
            }
        };
        match option.as_str() {
            "--addr" => options.addr = value,
            "--id" => options.id = Some(parse_id(&value)?),
            "--color" => options.color = parse_color(&value)?,
            _ => return Err(format!("unknown option {option} (see --help)")),
        }
    }
    Ok(Command::Run(options))
}

/// The ID's rules are the server's to enforce (it explains a rejection better than we could); the
/// client only refuses what would not even be one line on the wire.
fn parse_id(value: &str) -> Result<String, String> {
    if value.contains(['\n', '\r']) {
        return Err("--id must be a single line".to_string());
    }
    Ok(value.to_string())
}

fn parse_color(value: &str) -> Result<ColorChoice, String> {
    match value {
        "auto" => Ok(ColorChoice::Auto),
        "always" => Ok(ColorChoice::Always),
        "never" => Ok(ColorChoice::Never),
        _ => Err(format!("--color {value}: expected auto, always or never")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(list: &[&str]) -> Result<Command, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_match_the_help_text() {
        assert_eq!(parse(&[]), Ok(Command::Run(Options::default())));
        assert!(USAGE.contains(DEFAULT_ADDR));
    }

    #[test]
    fn reads_every_option_in_both_spellings() {
        let expected = Options {
            addr: "10.0.0.1:6000".to_string(),
            id: Some("Ahmed".to_string()),
            color: ColorChoice::Never,
        };
        let spaced = parse(&[
            "--addr",
            "10.0.0.1:6000",
            "--id",
            "Ahmed",
            "--color",
            "never",
        ]);
        assert_eq!(spaced, Ok(Command::Run(expected.clone())));
        let joined = parse(&["--addr=10.0.0.1:6000", "--id=Ahmed", "--color=never"]);
        assert_eq!(joined, Ok(Command::Run(expected)));
        assert_eq!(parse(&["--addr", "x", "-h"]), Ok(Command::Help));
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            parse(&["--color", "blue"]),
            Err("--color blue: expected auto, always or never".to_string())
        );
        assert_eq!(
            parse(&["--addr"]),
            Err("--addr needs a value (see --help)".to_string())
        );
        assert_eq!(
            parse(&["--port", "5000"]),
            Err("unknown option --port (see --help)".to_string())
        );
        assert!(parse(&["--id", "a\nb"]).is_err());
    }

    #[test]
    fn auto_colour_needs_a_terminal_and_no_no_color() {
        assert!(ColorChoice::Auto.resolve(true, false));
        assert!(!ColorChoice::Auto.resolve(true, true));
        assert!(!ColorChoice::Auto.resolve(false, false));
        assert!(ColorChoice::Always.resolve(false, true));
        assert!(!ColorChoice::Never.resolve(true, false));
    }
}
