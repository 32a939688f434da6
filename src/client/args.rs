//! The client's command line: where to connect, an optional ID, and when to use colour.
//!
//! Go counterpart: the original client takes no flags and always dials `localhost:5000`. The three
//! options here exist for demos and tests: `--addr` reaches a server on another port, `--id` answers
//! the first ID prompt without typing, and `--color` overrides the terminal detection. Each is
//! declared once, below, for `clap`: the declaration parses it and writes its `--help` line.

use clap::{Parser, ValueEnum};

/// When to colour the output: `Auto` colours only when standard output is a terminal and
/// `NO_COLOR` is not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
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
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "client",
    version,
    next_line_help = true,
    about = "A terminal client for the chat room. Type a line and press Enter to send it; \
             /quit, or Ctrl-D or Ctrl-C on an empty line, leaves.",
    after_help = "Exit codes: 0 after /quit or end of input, or when the server shuts down; 1 if \
                  the server went away without a word; 2 if it could not be reached or the \
                  command line is wrong."
)]
pub struct Options {
    // Where the server listens; the default is the server's own default. The doc comment is the
    // `--help` line.
    /// server to connect to
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:5000")]
    pub addr: String,

    // Sent as the answer to the server's first `Enter your ID:`; later prompts are the user's.
    /// answer the first ID prompt with NAME (if it is refused, the client asks again)
    #[arg(long, value_name = "NAME", value_parser = single_line)]
    pub id: Option<String>,

    // Overrides the terminal detection, for demos (`always` through a pipe) and for people who
    // want no colour.
    /// colour the output; auto: when standard output is a terminal and NO_COLOR is unset
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl Default for Options {
    /// The command line's defaults, so that they are written in one place only.
    fn default() -> Self {
        Options::parse_from(["client"])
    }
}

/// The ID's rules are the server's to enforce (it explains a rejection better than we could); the
/// client only refuses what would not even be one line on the wire.
fn single_line(value: &str) -> Result<String, String> {
    if value.contains(['\n', '\r']) {
        Err("an ID must be a single line".to_string())
    } else {
        Ok(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(list: &[&str]) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("client").chain(list.iter().copied()))
    }

    #[test]
    fn the_declarations_are_consistent() {
        Options::command().debug_assert();
    }

    #[test]
    fn defaults_connect_to_the_servers_default() {
        let options = Options::default();
        assert_eq!(options.addr, "127.0.0.1:5000");
        assert_eq!((options.id, options.color), (None, ColorChoice::Auto));
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
        assert_eq!(spaced.expect("spaced options parse"), expected);
        let joined = parse(&["--addr=10.0.0.1:6000", "--id=Ahmed", "--color=never"]);
        assert_eq!(joined.expect("options with = parse"), expected);
    }

    #[test]
    fn refuses_what_cannot_be_sent_or_shown() {
        assert!(parse(&["--color", "blue"]).is_err());
        assert!(parse(&["--addr"]).is_err());
        assert!(parse(&["--port", "5000"]).is_err());
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
