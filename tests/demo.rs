//! The live demos (`demo/`), run headless: each script starts its tmux session detached, on a tmux
//! server of the test's own (never the user's), the test reads the panes as a person would see
//! them, and then kills that tmux server.
//!
//! The scripts are checked with `bash -n` everywhere; the runs need tmux (and `make demo-stall`
//! needs Go), and print `skipped: ...` without them. `.ci/run` installs both.

#[path = "common/go_original.rs"]
mod go_original;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a pane may take to show what it should: generous, as the machines are shared.
const SCREEN_TIMEOUT: Duration = Duration::from_secs(20);

const SCRIPTS: [&str; 4] = [
    "demo/common.sh",
    "demo/demo.sh",
    "demo/stall.sh",
    "demo/stall-story.sh",
];

#[test]
fn every_demo_script_parses() {
    for script in SCRIPTS {
        let status = Command::new("bash")
            .args(["-n", script])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("bash runs");
        assert!(status.success(), "bash -n {script} failed");
    }
}

/// `make demo`: the server pane traces the three joins, and Sarah, the last to join, sees the
/// other two in her user list.
#[test]
fn the_room_demo_starts_three_joined_clients_beside_a_traced_server() {
    let Some(tmux) = Tmux::start("demo", &[]) else {
        return;
    };
    let sarah = tmux.wait_for_pane_with("** Current users in chat: Ahmed, Omar **");
    assert!(
        sarah.contains("Sarah"),
        "the pane's title names Sarah:\n{sarah}"
    );
    let server = tmux.wait_for_pane_with("[SERVER] User 'Sarah' joined the chat");
    assert!(
        server.contains("[acceptor]"),
        "the server pane is traced:\n{server}"
    );
}

/// `make demo-stall`: both rooms are up, Sarah has joined each, and the story has begun.
#[test]
fn the_stall_demo_starts_both_rooms_and_the_story() {
    let Some(go) = go_original::go_original() else {
        return;
    };
    let go_dir = go.server.parent().expect("the Go binaries' folder");
    let Some(tmux) = Tmux::start("stall", &[("GO_BIN", go_dir)]) else {
        return;
    };
    tmux.wait_for_pane_with("Sarah in the go room");
    tmux.wait_for_pane_with("Sarah in the ours room");
    tmux.wait_for_pane_with("Omar joins both rooms");
}

/// A demo running on a tmux server of its own, killed when the test ends, pass or fail.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `demo/<name>.sh` detached, or returns `None` (after saying so) without tmux.
    fn start(name: &str, env: &[(&str, &Path)]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            println!("skipped: tmux not installed");
            return None;
        }
        let socket = format!("realtime-chat-test-{name}-{}", std::process::id());
        let binaries = Path::new(env!("CARGO_BIN_EXE_server"))
            .parent()
            .expect("the binaries' folder");
        let output = Command::new(format!("demo/{name}.sh"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DEMO_DETACHED", "1")
            .env("DEMO_SOCKET", &socket)
            .env("BIN", binaries)
            .envs(env.iter().copied())
            .output()
            .expect("the demo script runs");
        let tmux = Tmux { socket };
        assert!(
            output.status.success(),
            "demo/{name}.sh failed: {}",
            text(&output)
        );
        Some(tmux)
    }

    /// Every pane's title and screen, one after the other.
    fn screens(&self) -> String {
        let panes = self.run(&["list-panes", "-a", "-F", "#{pane_id} #{pane_title}"]);
        let mut all = String::new();
        for pane in panes.lines() {
            let (id, title) = pane.split_once(' ').unwrap_or((pane, ""));
            all += &format!(
                "== {title}\n{}",
                self.run(&["capture-pane", "-p", "-t", id])
            );
        }
        all
    }

    /// Polls the panes until one of them shows `wanted`, and returns that pane, title first.
    fn wait_for_pane_with(&self, wanted: &str) -> String {
        let started = Instant::now();
        loop {
            let screens = self.screens();
            if let Some(pane) = screens.split("== ").find(|pane| pane.contains(wanted)) {
                return pane.to_string();
            }
            assert!(
                started.elapsed() < SCREEN_TIMEOUT,
                "no pane shows {wanted:?}:\n{screens}"
            );
            // A pause between looks at the screen: there is no line to wait on, only pixels.
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout)
}
