//! The `server` binary in a terminal, read from the screen (see `client_terminal/pty.rs`): the
//! lines it prints when a person stops it with Ctrl-C.

// Shared with the client's terminal tests, which use more of it.
#[allow(dead_code)]
#[path = "client_terminal/pty.rs"]
mod pty;

use pty::Terminal;

/// Issue 21: the terminal echoes Ctrl-C as `^C`; the shutdown line starts on a row of its own
/// rather than after it.
#[test]
fn the_shutdown_line_starts_on_a_row_of_its_own_after_ctrl_c() {
    let mut shell = Terminal::shell((24, 100));
    let server = env!("CARGO_BIN_EXE_server");
    shell.keys(&format!("{server} --addr 127.0.0.1:0\r"));
    shell.wait_for("the banner", |t| {
        t.rows()
            .last()
            .is_some_and(|row| row.starts_with("Server running on port"))
    });
    shell.keys("\x03");
    shell.wait_for_bottom(&[
        "^C",
        "[SERVER] Shutting down (Ctrl-C again to quit at once)",
        "$",
    ]);
}
