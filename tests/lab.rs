//! The lab sheet (docs/lab.md) runs as written: every command of every segment is started in its
//! terminal, on a free port instead of 5000, and every screen the sheet shows is compared with what
//! that terminal prints, line by line; what a student types is typed, the keys a student presses
//! are sent as the signals a terminal sends. The quizzes' answers (docs/quizzes.md, and the
//! answers folded in the sheet) are checked against the real outcomes: the compiler's errors in
//! `tests/ui/*.stderr`, the flaw table of docs/steps.md (measured by `steps/tests/steps.rs`), and
//! the sheet's own screens, which this file runs. So the sheet cannot drift from the code.
//!
//! Needs `nc` (netcat-openbsd) and, for the Go segments, Go; says `skipped: ...` without them.
//! `.ci/run` installs both. `LAB_SEGMENT=6 cargo test --test lab` plays segment 6 alone.

mod common;
#[path = "common/lab_sheet.rs"]
mod lab_sheet;

use common::terminal::{KEYS, Shown, Terminal};
use lab_sheet::{Block, Kind, Segment};
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How long a terminal's first line may take: a first `make step` builds the steps in release,
/// on a machine shared with the rest of the test suite.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(600);

/// How long any later line may take: a room that works delivers in milliseconds, but a paste's
/// `nc -q 5` leaves five seconds after its last line, on a machine shared with other tests.
const LINE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a screen must stay still for `[nothing more]`, and for a `...` that ends a flood:
/// every room here delivers a line in milliseconds, so two seconds of silence on a busy machine
/// means that nothing is coming.
const QUIET: Duration = Duration::from_secs(2);

/// How long a command the sheet lets end by itself (a paste with `nc -q 5`) may take to end
/// before the sheet runs another in its terminal.
const END_TIMEOUT: Duration = Duration::from_secs(60);

/// How many unread lines of each terminal a failure prints.
const SHOWN_ON_FAILURE: usize = 20;

/// Commands of the sheet that another test runs, because they need a whole tmux session: the
/// command, the test file that runs it, and what of the Makefile's recipe that test runs.
const RUN_ELSEWHERE: [(&str, &str, &str); 2] = [
    ("make demo-stall", "tests/demo.rs", "demo/stall.sh"),
    ("make demo-stop", "tests/demo.rs", "demo_stop"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// True if `program` runs (whatever it says of the flag: `nc -h` exits 1).
fn installed(program: &str, flag: &str) -> bool {
    Command::new(program).arg(flag).output().is_ok()
}

/// Every segment, in order, each with fresh terminals on a fresh port.
#[test]
fn every_command_in_the_lab_sheet_runs_as_written() {
    if !installed("nc", "-h") {
        println!("skipped: nc not installed (apt-get install -y netcat-openbsd)");
        return;
    }
    let go = installed("go", "version");
    let only: Option<usize> = std::env::var("LAB_SEGMENT")
        .ok()
        .and_then(|n| n.parse().ok());
    for segment in lab_sheet::segments(&read("docs/lab.md")) {
        if only.is_some_and(|n| n != segment.number) {
            continue;
        }
        let commands: Vec<&String> = segment
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Commands)
            .flat_map(|b| &b.lines)
            .collect();
        if !go && commands.iter().any(|c| c.contains("make go-")) {
            println!("skipped: segment {}: go not installed", segment.number);
            continue;
        }
        Lab::new().run(&segment);
    }
}

/// The sheet's commands that need a tmux session are run by the demo tests, through the script
/// their `make` target runs.
#[test]
fn the_commands_left_to_the_demo_tests_are_run_there() {
    let sheet = read("docs/lab.md");
    let makefile = read("Makefile");
    for (command, test, script) in RUN_ELSEWHERE {
        assert!(
            sheet.contains(&format!("\n{command}\n")),
            "the sheet no longer runs {command}: take it out of RUN_ELSEWHERE"
        );
        let target = command.trim_start_matches("make ");
        assert!(
            recipe(&makefile, target).contains(script),
            "make {target} does not run {script}"
        );
        assert!(read(test).contains(script), "{test} does not run {script}");
    }
}

/// The tab-indented lines below `target:` in the Makefile.
fn recipe(makefile: &str, target: &str) -> String {
    let mut lines = makefile
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{target}:")));
    lines.next();
    let body: Vec<&str> = lines.take_while(|l| l.starts_with('\t')).collect();
    body.join("\n")
}

/// The terminals of one segment, and the port its servers listen on.
struct Lab {
    port: u16,
    terminals: BTreeMap<usize, Terminal>,
    /// Terminals whose screen has not shown a line yet (their first may wait for a build).
    fresh: Vec<usize>,
}

impl Lab {
    fn new() -> Lab {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("the system has a free port")
            .port();
        Lab {
            port,
            terminals: BTreeMap::new(),
            fresh: Vec::new(),
        }
    }

    /// Plays every block of `segment`; if one fails, shows what each terminal printed beyond
    /// what the sheet expected, then fails.
    fn run(&mut self, segment: &Segment) {
        for block in &segment.blocks {
            let place = format!(
                "segment {} ({}), T{}",
                segment.number, segment.title, block.terminal
            );
            let played = panic::catch_unwind(AssertUnwindSafe(|| match block.kind {
                Kind::Commands => block
                    .lines
                    .iter()
                    .for_each(|c| self.start(block, c, &place)),
                Kind::Screen => self.expect(block, &place),
            }));
            if let Err(failure) = played {
                self.show_the_rest();
                panic::resume_unwind(failure);
            }
        }
    }

    /// Prints the lines each terminal has shown and the sheet has not read (the first few).
    fn show_the_rest(&self) {
        for (number, terminal) in &self.terminals {
            let mut rest = Vec::new();
            while let Shown::Line(line) = terminal.next(Duration::from_millis(200)) {
                rest.push(line);
            }
            let shown = rest.len().min(SHOWN_ON_FAILURE);
            println!(
                "T{number}, {} lines unread: {:#?}",
                rest.len(),
                &rest[..shown]
            );
        }
    }

    /// Starts `command` in the block's terminal, once the terminal's last command has ended.
    fn start(&mut self, block: &Block, command: &str, place: &str) {
        if RUN_ELSEWHERE.iter().any(|(run, ..)| *run == command) {
            return;
        }
        if let Some(mut last) = self.terminals.remove(&block.terminal) {
            assert!(
                last.wait_for_end(END_TIMEOUT).is_some(),
                "{place}: the last command still runs; the sheet must end it first ([Ctrl-C])"
            );
        }
        let command = self.localise(command);
        self.terminals
            .insert(block.terminal, Terminal::start(&command, root()));
        self.fresh.push(block.terminal);
    }

    /// `make` targets take `ADDR`, `nc` the port: 5000 becomes this segment's port.
    fn localise(&self, command: &str) -> String {
        let command = command.replace("127.0.0.1 5000", &format!("127.0.0.1 {}", self.port));
        match command.starts_with("make ") {
            true => format!("{command} ADDR=127.0.0.1:{}", self.port),
            false => command,
        }
    }

    /// Plays the block's screen: types, presses keys, and compares each line shown.
    fn expect(&mut self, block: &Block, place: &str) {
        let terminal = self
            .terminals
            .get_mut(&block.terminal)
            .unwrap_or_else(|| panic!("{place}: a screen before any command"));
        let first_wait = match self.fresh.contains(&block.terminal) {
            true => STARTUP_TIMEOUT,
            false => LINE_TIMEOUT,
        };
        self.fresh.retain(|t| *t != block.terminal);
        let mut screen = Screen {
            terminal,
            place,
            wait: first_wait,
            skipping: false,
        };
        for line in &block.lines {
            screen.play(&line.replace("port 5000", &format!("port {}", self.port)));
        }
        if screen.skipping {
            screen.drain();
        }
    }
}

/// One screen block being played on its terminal.
struct Screen<'a> {
    terminal: &'a mut Terminal,
    place: &'a str,
    /// How long the next line may take.
    wait: Duration,
    /// After a `...`: lines that do not match are passed over.
    skipping: bool,
}

impl Screen<'_> {
    fn play(&mut self, line: &str) {
        if let Some(typed) = line.strip_prefix("> ") {
            self.terminal.type_line(typed);
        } else if let Some((_, signal)) = KEYS.iter().find(|(key, _)| *key == line) {
            self.terminal.press(*signal);
        } else if line == "..." {
            self.skipping = true;
        } else if line == "[nothing more]" {
            if self.skipping {
                self.drain();
            }
            if let Shown::Line(extra) = self.terminal.next(QUIET) {
                panic!(
                    "{}: expected nothing more, the screen shows {extra:?}",
                    self.place
                );
            }
        } else {
            self.find(line);
        }
    }

    /// Reads up to the line `pattern` shows: the next line, or after a `...` the first match.
    fn find(&mut self, pattern: &str) {
        loop {
            let shown = match self.terminal.next(self.wait) {
                Shown::Line(line) => line,
                Shown::Still => panic!("{}: waited {:?} for {pattern:?}", self.place, self.wait),

                Shown::Ended => panic!("{}: the command ended before {pattern:?}", self.place),
            };
            self.wait = LINE_TIMEOUT;
            if lab_sheet::line_matches(pattern, &shown) {
                self.skipping = false;
                return;
            }
            assert!(
                self.skipping,
                "{}: expected {pattern:?}, the screen shows {shown:?}",
                self.place
            );
        }
    }

    /// Passes over lines until the screen has been still for [`QUIET`].
    fn drain(&mut self) {
        while let Shown::Line(_) = self.terminal.next(QUIET) {}
        self.skipping = false;
    }
}
