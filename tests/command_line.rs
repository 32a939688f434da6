//! The `server` and `client` command lines, as a person meets them: `--help` and `--version`,
//! both spellings of an option, and one helpful line with exit code 2 for every mistake, including
//! values out of range that once crashed a thread or closed every connection.

use std::process::Command;

const SERVER: &str = env!("CARGO_BIN_EXE_server");
const CLIENT: &str = env!("CARGO_BIN_EXE_client");

/// Runs a binary that must end by itself (every case here stops before binding or connecting)
/// and returns (exit code, stdout, stderr).
fn run(program: &str, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(program)
        .args(args)
        .output()
        .expect("running the binary");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("the output is UTF-8");
    (
        output.status.code().unwrap_or(-1),
        text(output.stdout),
        text(output.stderr),
    )
}

/// Asserts a refusal: exit code 2, nothing on stdout, exactly one line on stderr.
fn refused(program: &str, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(program, args);
    assert_eq!(code, 2, "{args:?} must exit 2; stderr: {stderr}");
    assert!(stdout.is_empty(), "{args:?} printed {stdout:?}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?} must print one line: {stderr:?}"
    );
    stderr.trim_end().to_string()
}

#[test]
fn version_prints_the_crate_version_and_exits_0() {
    for (program, name) in [(SERVER, "server"), (CLIENT, "client")] {
        let (code, stdout, _) = run(program, &["--version"]);
        assert_eq!(code, 0);
        assert_eq!(stdout, format!("{name} {}\n", env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn help_lists_every_option_and_exits_0() {
    let (code, stdout, _) = run(SERVER, &["--help"]);
    assert_eq!(code, 0);
    for option in [
        "--addr",
        "--write-timeout",
        "--max-line",
        "--id-timeout",
        "--max-clients",
    ] {
        assert!(
            stdout.contains(option),
            "server --help must mention {option}"
        );
    }
    let (code, stdout, _) = run(CLIENT, &["--help"]);
    assert_eq!(code, 0);
    for option in ["--addr", "--id", "--color"] {
        assert!(
            stdout.contains(option),
            "client --help must mention {option}"
        );
    }
}

/// `--addr=HOST:PORT` is read like `--addr HOST:PORT`: here it reaches the bind (or connect),
/// whose own error names the address that was given.
#[test]
fn an_option_and_its_value_may_be_joined_by_an_equals_sign() {
    let line = refused(SERVER, &["--addr=127.0.0.1:99999"]);
    assert!(line.contains("cannot listen on 127.0.0.1:99999"), "{line}");
    let (code, _, stderr) = run(CLIENT, &["--addr=127.0.0.1:1", "--color=never"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("client: cannot connect to 127.0.0.1:1:"),
        "{stderr}"
    );
}

#[test]
fn a_misspelled_option_gets_the_right_spelling() {
    assert_eq!(
        refused(SERVER, &["--adr", "127.0.0.1:5000"]),
        "server: unexpected argument '--adr' found; a similar argument exists: '--addr' (see --help)"
    );
    assert_eq!(
        refused(CLIENT, &["--colour", "never"]),
        "client: unexpected argument '--colour' found; a similar argument exists: '--color' (see \
         --help)"
    );
}

/// `client 127.0.0.1:5000` is a positional argument, and is called one.
#[test]
fn a_positional_argument_is_called_what_it_is() {
    assert_eq!(
        refused(CLIENT, &["127.0.0.1:5000"]),
        "client: unexpected positional argument '127.0.0.1:5000': client takes only options, such \
         as --addr HOST:PORT (see --help)"
    );
    assert!(refused(SERVER, &["5000"]).contains("positional argument '5000'"));
}

#[test]
fn a_missing_value_is_named() {
    let line = refused(SERVER, &["--addr"]);
    assert!(
        line.contains("'--addr <HOST:PORT>'") && line.contains("value is required"),
        "{line}"
    );
}

/// Each of these values was accepted once: `1e19` seconds overflowed an `Instant` and panicked the
/// broadcaster or every client thread, `1e-10` rounded to zero and closed every connection before
/// its prompt, and `u64::MAX` wrapped so that every ID was "too long". Now each names its range.
#[test]
fn values_out_of_range_name_the_range() {
    for (args, range) in [
        (["--write-timeout", "1e19"], "from 0.01 to 3600"),
        (["--write-timeout", "0.0000000001"], "from 0.01 to 3600"),
        (["--id-timeout", "1e19"], "from 0.1 to 86400"),
        (
            ["--max-line", "18446744073709551615"],
            "a whole number from 128 to 1048576",
        ),
        (["--max-clients", "0"], "a whole number from 1 to 100000"),
        (["--max-line", "lots"], "a whole number from 128 to 1048576"),
        (["--max-rate", "-1"], "a whole number from 0 to 1000000"),
        (["--write-timeout", "-1"], "from 0.01 to 3600"),
    ] {
        let line = refused(SERVER, &args);
        assert!(
            line.starts_with(&format!(
                "server: invalid value '{}' for '{}",
                args[1], args[0]
            )),
            "{line}"
        );
        assert!(line.contains(range), "{line} must name {range}");
    }
}

/// Issue 21: the Go original's flags (`-port 5000`, `-addr HOST:PORT`), typed out of habit, are
/// answered with what to write here.
#[test]
fn the_go_originals_flags_get_their_equivalent() {
    assert_eq!(
        refused(SERVER, &["-port", "5000"]),
        "server: unexpected argument '-port': that is the Go original's way; use --addr \
         127.0.0.1:5000 (options take two dashes here, see --help)"
    );
    assert_eq!(
        refused(CLIENT, &["-addr", "127.0.0.1:5001"]),
        "client: unexpected argument '-addr': that is the Go original's way; use --addr \
         127.0.0.1:5001 (options take two dashes here, see --help)"
    );
}

/// Issue 21: `client --help` says what the client does in a pipe too: the server's shutdown is a
/// clean end everywhere (see `tests/client.rs`).
#[test]
fn the_clients_help_says_a_shutdown_exits_0() {
    let (_, stdout, _) = run(CLIENT, &["--help"]);
    assert!(
        stdout.contains("0 after /quit or end of input, or when the server shuts down"),
        "{stdout}"
    );
    assert!(!stdout.contains("in a terminal"), "{stdout}");
}
