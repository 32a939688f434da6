//! A tmux server of the test's own (`tmux -L NAME`), never the user's: commands to it, and at the
//! end, pass or fail, the server killed and its socket removed (tmux leaves the socket behind
//! when its server is killed, and `make test` would leave one per run).

#![allow(dead_code)] // Each test file uses its own part of these helpers.

use std::process::Command;

pub struct TmuxServer {
    socket: String,
}

impl TmuxServer {
    /// A tmux server named `socket`, or `None` (after saying so) without tmux.
    pub fn named(socket: String) -> Option<TmuxServer> {
        if Command::new("tmux").arg("-V").output().is_err() {
            println!("skipped: tmux not installed");
            return None;
        }
        Some(TmuxServer { socket })
    }

    pub fn socket(&self) -> &str {
        &self.socket
    }

    /// Runs a tmux command on this server and returns what it printed.
    pub fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let socket = self.run(&["display-message", "-p", "#{socket_path}"]);
        self.run(&["kill-server"]);
        if !socket.trim().is_empty() {
            let _ = std::fs::remove_file(socket.trim());
        }
    }
}
