//! The live demos (`demo/`), run headless: each script starts its tmux session detached, on a tmux
//! server of the test's own (never the user's), the test reads the panes as a person would see
//! them, and then kills that tmux server.
//!
//! The scripts are checked with `bash -n` everywhere; the runs need tmux (and `make demo-stall`
//! needs Go), and print `skipped: ...` without them. `.ci/run` installs both.

#[path = "common/go_original.rs"]
mod go_original;
#[path = "common/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tmux::{Attached, TmuxServer};

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

/// What bash 4 added and macOS's bash 3.2 lacks: the scripts use none of it.
const BASH_4_ONLY: [&str; 9] = [
    "declare -A",
    "local -A",
    "mapfile",
    "readarray",
    "coproc",
    ",,}",
    "^^}",
    "|&",
    "&>>",
];

#[test]
fn every_demo_script_runs_on_the_bash_of_macos() {
    for script in SCRIPTS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
        let text = std::fs::read_to_string(&path).expect("the script is there");
        for feature in BASH_4_ONLY {
            let found = text
                .lines()
                .find(|line| !line.trim_start().starts_with('#') && line.contains(feature));
            assert_eq!(
                found, None,
                "{script} uses {feature:?}, which bash 3.2 lacks"
            );
        }
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

/// `make demo-stall` on a laptop or projector, 100x30: the last screen a person sees shows the
/// lesson, three rooms side by side, each a server above Sarah's view of its room, the story
/// across the bottom with Sarah's counts whole on its rows: the Go original and its Rust mirror
/// stuck (Omar's 30 lines do not all get through, and Sarah's pane stops at the count) while ours
/// delivers them all.
#[test]
fn the_stall_demo_ends_on_its_lesson_at_100x30() {
    stall_demo_ends_on_its_lesson(100, 30);
}

/// The same on the smallest terminal the demo accepts.
#[test]
fn the_stall_demo_ends_on_its_lesson_at_80x24() {
    stall_demo_ends_on_its_lesson(80, 24);
}

fn stall_demo_ends_on_its_lesson(columns: u16, rows: u16) {
    let Some(go) = go_original::go_original() else {
        return;
    };
    let go_dir = go.server.parent().expect("the Go binaries' folder");
    let size = format!("{columns}x{rows}");
    let env = [("GO_BIN", go_dir), ("DEMO_SIZE", Path::new(&size))];
    let Some(tmux) = Tmux::start("stall", &env) else {
        return;
    };
    let Some(mut person) = Attached::to(&tmux.server, columns, rows) else {
        return;
    };
    let screen = person.wait_for("make demo-stop ends the demo", STORY_TIMEOUT);
    let panes = tmux.panes();
    let rooms = ["go", "mirror", "ours"];
    let servers = ["Go original", "Rust mirror", "ours"].map(|title| pane(&panes, title));
    let sarahs = rooms.map(|room| pane(&panes, &format!("Sarah, {room} room")));
    let story = pane(&panes, "what is happening");
    for column in 0..3 {
        let (server, sarah) = (&servers[column], &sarahs[column]);
        assert_eq!(
            server.left, sarah.left,
            "Sarah below her server:\n{panes:#?}"
        );
        assert!(
            server.top < sarah.top,
            "the server above Sarah:\n{panes:#?}"
        );
        assert!(
            sarah.top < story.top,
            "the story at the bottom:\n{panes:#?}"
        );
        if column > 0 {
            assert!(
                servers[column - 1].left < server.left,
                "Go, mirror, ours from left to right:\n{panes:#?}"
            );
        }
    }
    assert_eq!(
        (story.left, story.width),
        (0, u32::from(columns)),
        "the story spans the screen:\n{panes:#?}"
    );
    assert!(story.height >= 4, "the counts have room:\n{panes:#?}");

    let text = screen.join("\n");
    let counts = rooms.map(|room| omar_lines_seen(&text, room));
    assert!(counts[0] < 30, "the Go room freezes:\n{text}");
    assert!(counts[1] < 30, "the mirror freezes like Go:\n{text}");
    assert_eq!(counts[2], 30, "ours carries on:\n{text}");
    // And the screen stays so until `make demo-stop`: Sleepy sleeps on, so the frozen rooms never
    // catch up. A few seconds stand for "until": a room that caught up would do it in less.
    person.watch(STILL_STUCK);
    for (sarah, count) in sarahs.iter().zip(counts) {
        let shown = person.rows(sarah.left as u16, sarah.width as u16);
        let last = (sarah.top..sarah.top + sarah.height)
            .filter_map(|row| last_omar_line(&shown[row as usize]))
            .next_back();
        assert_eq!(last, Some(count), "Sarah's pane ends at her count:\n{text}");
    }
}

/// How long the last screen is watched for a frozen room that catches up. Once its sleeper is
/// gone, a room delivers Omar's waiting lines in milliseconds.
const STILL_STUCK: Duration = Duration::from_secs(3);

/// The number in a row that shows `[Omar]: Omar's line 6`.
fn last_omar_line(row: &str) -> Option<u32> {
    row.trim()
        .strip_prefix("[Omar]: Omar's line ")?
        .parse()
        .ok()
}

/// How long the stall story takes to tell, with room for a busy machine: it counts after 32 s.
const STORY_TIMEOUT: Duration = Duration::from_secs(90);

/// One pane's title and place on the screen, as `tmux list-panes` reports them.
#[derive(Debug, Clone)]
struct Pane {
    title: String,
    left: u32,
    top: u32,
    width: u32,
    height: u32,
}

/// The one pane whose title starts with `title`.
fn pane(panes: &[Pane], title: &str) -> Pane {
    let matching: Vec<&Pane> = panes
        .iter()
        .filter(|p| p.title.starts_with(title))
        .collect();
    assert_eq!(matching.len(), 1, "one pane titled {title:?}:\n{panes:#?}");
    matching[0].clone()
}

/// The story's last lines say `go room: Sarah saw 6 of Omar's 30 lines.`; the 6 for `room`.
fn omar_lines_seen(screen: &str, room: &str) -> u32 {
    let prefix = format!("{room} room: Sarah saw ");
    let line = screen
        .lines()
        .find_map(|line| line.split_once(&prefix).map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("the story counts the {room} room:\n{screen}"));
    let count = line.split(' ').next().unwrap_or_default();
    count
        .parse()
        .unwrap_or_else(|_| panic!("a count in {line:?}"))
}

/// `make demo` on a laptop or projector, 100x30: laid out for that size, the trace pane shows
/// the server's banner (with its port) and, right below it, Ahmed's first `[acceptor]` line, the
/// first step of the lesson, once all three have joined.
#[test]
fn the_room_demo_at_100x30_shows_the_banner_and_the_first_step() {
    let Some(tmux) = Tmux::start("demo", &[("DEMO_SIZE", Path::new("100x30"))]) else {
        return;
    };
    // What attaching from a 100x30 terminal does to the window (the last row is tmux's status).
    tmux.run(&["resize-window", "-t", "demo", "-x", "100", "-y", "29"]);
    let server = tmux.wait_for_pane_with("[SERVER] User 'Sarah' joined the chat");
    let mut lines = server.lines().skip(1);
    let banner = lines.next().unwrap_or_default();
    assert!(banner.starts_with("Server running on port"), "{server}");
    let first_step = lines.next().unwrap_or_default();
    assert!(first_step.starts_with("[acceptor]"), "{server}");
}

/// Below 80x24 both demos say what to do instead of drawing panes too small to read, and leave
/// nothing behind.
#[test]
fn the_demos_refuse_a_terminal_too_small_to_read() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("skipped: tmux not installed");
        return;
    }
    for demo in ["demo", "stall"] {
        let output = Command::new(format!("demo/{demo}.sh"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DEMO_SIZE", "70x20")
            .env(
                "DEMO_SOCKET",
                format!("realtime-chat-test-small-{}", std::process::id()),
            )
            .output()
            .expect("the demo script runs");
        assert!(!output.status.success());
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "demo: needs a terminal of at least 80x24; this one is 70x20: enlarge the window or \
             make the font smaller, then run it again\n",
            "demo/{demo}.sh"
        );
    }
}

/// `make demo-stop` from a second terminal is a normal end: the terminal attached to the demo
/// (here `script`'s pseudo-terminal) sees `[exited]`, `make demo` exits 0, and the demo's log
/// folder and tmux socket are gone.
#[test]
fn stopping_the_demo_from_another_terminal_exits_0_and_leaves_nothing() {
    if Command::new("script").arg("-V").output().is_err() {
        println!("skipped: script (util-linux) not installed");
        return;
    }
    let socket = format!("realtime-chat-test-stop-{}", std::process::id());
    let binaries = Path::new(env!("CARGO_BIN_EXE_server"))
        .parent()
        .expect("a folder");
    let Some(server) = TmuxServer::named(socket.clone()) else {
        return;
    };
    let mut attached = Command::new("script")
        .args(["-qec", "demo/demo.sh", "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEMO_SOCKET", &socket)
        .env("DEMO_SIZE", "100x30")
        .env("BIN", binaries)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("script runs");
    let tmux = Tmux {
        server,
        dir: PathBuf::new(),
    };
    tmux.wait_for_pane_with("[SERVER] User 'Sarah' joined the chat");
    let (dir, socket_path) = tmux.folder_and_socket();

    let stop = Command::new("bash")
        .args(["-c", ". demo/common.sh && demo_stop"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEMO_SOCKET", &socket)
        .output()
        .expect("demo_stop runs");
    assert_eq!(text(&stop), "demo stopped\n");
    assert_eq!(attached.wait().expect("script ends").code(), Some(0));
    assert!(!dir.exists(), "{dir:?} is left behind");
    assert!(!socket_path.exists(), "{socket_path:?} is left behind");
}

/// `make demo` on the smallest terminal it accepts, 80x24, as a person runs it: the status line
/// says how to leave, whole; `/quit` in the three clients ends the demo: the attached terminal
/// returns, `make demo` exits 0, and the demo's log folder and tmux socket are gone.
#[test]
fn the_room_demo_at_80x24_ends_when_the_last_client_leaves() {
    let socket = format!("realtime-chat-test-quit-{}", std::process::id());
    let Some(server) = TmuxServer::named(socket.clone()) else {
        return;
    };
    let binaries = Path::new(env!("CARGO_BIN_EXE_server"))
        .parent()
        .expect("a folder");
    let mut script = Command::new("script");
    script
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEMO_SOCKET", &socket)
        .env("BIN", binaries);
    let Some(mut person) = Attached::run(script, "demo/demo.sh", 80, 24) else {
        return;
    };
    let status = "/quit in each client ends it; Ctrl-B d detaches";
    let screen = person.wait_for(status, SCREEN_TIMEOUT);
    assert!(
        screen.last().is_some_and(|row| row.contains(status)),
        "the status line, whole, on the last row:\n{}",
        screen.join("\n")
    );
    let tmux = Tmux {
        server,
        dir: PathBuf::new(),
    };
    tmux.wait_for_pane_with("[SERVER] User 'Sarah' joined the chat");
    let (dir, socket_path) = tmux.folder_and_socket();
    let panes = tmux.run(&["list-panes", "-F", "#{pane_id} #{pane_title}"]);
    let clients: Vec<&str> = panes
        .lines()
        .filter(|pane| pane.contains("/quit leaves"))
        .filter_map(|pane| pane.split(' ').next())
        .collect();
    assert_eq!(clients.len(), 3, "{panes}");
    for pane in clients {
        tmux.run(&["send-keys", "-t", pane, "/quit", "Enter"]);
    }
    assert_eq!(person.exit_code_within(SCREEN_TIMEOUT), Some(0));
    assert!(!dir.exists(), "{dir:?} is left behind");
    assert!(!socket_path.exists(), "{socket_path:?} is left behind");
}

/// A demo running on a tmux server of its own, killed when the test ends, pass or fail, with its
/// socket and its log folder.
struct Tmux {
    server: TmuxServer,
    /// The demo's log folder (`DEMO_DIR`), made by the test so that the test can remove it.
    dir: PathBuf,
}

impl Tmux {
    /// Runs `demo/<name>.sh` detached, or returns `None` (after saying so) without tmux.
    fn start(name: &str, env: &[(&str, &Path)]) -> Option<Tmux> {
        // One tmux server per demo run, even for two runs of the same demo in one test binary.
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let server = TmuxServer::named(format!(
            "realtime-chat-test-{name}-{}-{run}",
            std::process::id()
        ))?;
        let socket = server.socket().to_string();
        let dir = std::env::temp_dir().join(format!("realtime-chat-demo.{socket}"));
        std::fs::create_dir_all(&dir).expect("a folder for the demo's logs");
        let binaries = Path::new(env!("CARGO_BIN_EXE_server"))
            .parent()
            .expect("the binaries' folder");
        let output = Command::new(format!("demo/{name}.sh"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DEMO_DETACHED", "1")
            .env("DEMO_SOCKET", &socket)
            .env("DEMO_DIR", &dir)
            .env("BIN", binaries)
            .envs(env.iter().copied())
            .output()
            .expect("the demo script runs");
        let tmux = Tmux { server, dir };
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

    /// The demo's log folder and its tmux socket, once the script has recorded the folder (just
    /// before it attaches); both exist.
    fn folder_and_socket(&self) -> (PathBuf, PathBuf) {
        let started = Instant::now();
        let dir = loop {
            let shown = self.run(&["show-environment", "-g", "DEMO_DIR"]);
            if let Some(dir) = shown.trim().strip_prefix("DEMO_DIR=") {
                break PathBuf::from(dir);
            }
            assert!(started.elapsed() < SCREEN_TIMEOUT, "no DEMO_DIR in tmux");
            // A pause between polls: tmux's environment offers no line to wait on.
            std::thread::sleep(Duration::from_millis(100));
        };
        let socket = self.run(&["display-message", "-p", "#{socket_path}"]);
        let socket = PathBuf::from(socket.trim());
        assert!(dir.is_dir() && socket.exists(), "{dir:?} {socket:?}");
        (dir, socket)
    }

    /// Every pane's title and place.
    fn panes(&self) -> Vec<Pane> {
        let format = "#{pane_left}\t#{pane_top}\t#{pane_width}\t#{pane_height}\t#{pane_title}";
        self.run(&["list-panes", "-F", format])
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.splitn(5, '\t').collect();
                let number = |i: usize| fields[i].parse().expect("tmux prints whole numbers");
                Pane {
                    left: number(0),
                    top: number(1),
                    width: number(2),
                    height: number(3),
                    title: fields[4].to_string(),
                }
            })
            .collect()
    }

    /// Polls the panes until one of them shows `wanted`, and returns that pane, title first.
    fn wait_for_pane_with(&self, wanted: &str) -> String {
        self.wait_for_pane_with_within(wanted, SCREEN_TIMEOUT)
    }

    /// [`Tmux::wait_for_pane_with`], for at most `timeout`.
    fn wait_for_pane_with_within(&self, wanted: &str, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let screens = self.screens();
            if let Some(pane) = screens.split("== ").find(|pane| pane.contains(wanted)) {
                return pane.to_string();
            }
            assert!(
                started.elapsed() < timeout,
                "no pane shows {wanted:?}:\n{screens}"
            );
            // A pause between looks at the screen: there is no line to wait on, only pixels.
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn run(&self, args: &[&str]) -> String {
        self.server.run(args)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // The folder its panes write to; then, as a field, the server (see `TmuxServer`).
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout)
}
