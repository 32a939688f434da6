//! The `client` binary in a pseudo-terminal, its output fed to a terminal emulator (`vt100`), so
//! that a test reads the screen a person would see, not the bytes that drew it.
//!
//! The pseudo-terminal comes from `openpty` (through `libc`, already a dependency). The client
//! runs in a session of its own with the terminal as its controlling terminal, so window-size
//! changes reach it as they do in a real terminal. The test keeps the terminal's own end open, so
//! that after the client exits it can check the terminal's settings (raw mode off) and whether
//! anything typed was left unread.
//!
//! Synchronisation is on the screen: [`Terminal::wait_for`] processes the client's output until a
//! condition on the screen holds, or fails the test at a deadline. Nothing sleeps.

use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for the screen to show what it expects. Generous, because the machine
/// is shared; a working client draws in milliseconds.
pub const SCREEN_TIMEOUT: Duration = Duration::from_secs(10);

/// How many rows scrolled off the top the emulator keeps, for [`Terminal::all_rows`].
const SCROLLBACK: usize = 1000;

/// A client running in a pseudo-terminal, and the screen it has drawn so far.
pub struct Terminal {
    /// The terminal's input (what the user types) and output (what the client draws).
    master: File,
    /// The client's end, kept open by the test (see the module docs).
    slave: File,
    pid: i32,
    /// Sends the client's exit status once, when it exits.
    exited: Receiver<Option<i32>>,
    /// Chunks of what the client drew.
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    status: Option<Option<i32>>,
}

impl Terminal {
    /// Starts `client` with `args` in a terminal of `rows` by `cols`, with `NO_COLOR` set to
    /// `no_color` if given (and removed otherwise).
    pub fn start(args: &[&str], size: (u16, u16), no_color: Option<&str>) -> Terminal {
        let client = env!("CARGO_BIN_EXE_client");
        Terminal::run(client, args, size, no_color, "xterm-256color")
    }

    /// A client on `addr` joining as Ahmed in a terminal that says it can do nothing but print
    /// (`TERM=dumb`).
    pub fn dumb_ahmed(addr: std::net::SocketAddr, size: (u16, u16)) -> Terminal {
        let addr = addr.to_string();
        let args = ["--addr", &addr, "--id", "Ahmed"];
        Terminal::run(env!("CARGO_BIN_EXE_client"), &args, size, None, "dumb")
    }

    /// Starts an interactive `bash` (no start-up files, prompt `$ `), for job control.
    pub fn shell(size: (u16, u16)) -> Terminal {
        let args = ["--norc", "--noprofile", "-i"];
        let mut shell = Terminal::run("bash", &args, size, None, "xterm-256color");
        shell.keys("PS1='$ '\r");
        shell.wait_for_bottom(&["$"]);
        shell
    }

    fn run(
        program: &str,
        args: &[&str],
        (rows, cols): (u16, u16),
        no_color: Option<&str>,
        term: &str,
    ) -> Terminal {
        let (master, slave) = open_pty(rows, cols);
        let mut command = Command::new(program);
        command
            .args(args)
            .env("TERM", term)
            .env_remove("NO_COLOR")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()));
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().expect("the program starts");
        let pid = child.id() as i32;
        let (status, exited) = crossbeam_channel::bounded(1);
        thread::spawn(move || {
            let code = child.wait().map(|s| s.code().or(s.signal().map(|n| -n)));
            let _ = status.send(code.ok().flatten());
        });
        Terminal {
            output: forward_output(master.try_clone().unwrap()),
            master,
            slave,
            pid,
            exited,
            parser: vt100::Parser::new(
                rows.try_into().unwrap(),
                cols.try_into().unwrap(),
                SCROLLBACK,
            ),
            status: None,
        }
    }

    /// A client on `addr` joining as Ahmed, in colour unless `NO_COLOR` says otherwise.
    pub fn ahmed(addr: std::net::SocketAddr, size: (u16, u16)) -> Terminal {
        let addr = addr.to_string();
        Terminal::start(&["--addr", &addr, "--id", "Ahmed"], size, None)
    }

    /// Types `keys` (text, or escape sequences for special keys).
    pub fn keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
    }

    /// Processes the client's output until `ready` holds for the screen, failing the test with
    /// the screen and `what` at the deadline.
    pub fn wait_for(&mut self, what: &str, ready: impl Fn(&Terminal) -> bool) {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        while !ready(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.parser.process(&chunk),
                Err(_) => panic!("the screen never showed {what}; it shows:\n{}", self.dump()),
            }
        }
    }

    /// Waits until `row` is on the screen or in the scrollback, as a whole row.
    pub fn wait_for_row(&mut self, row: &str) {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        while !self.all_rows().iter().any(|shown| shown == row) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(chunk) => self.parser.process(&chunk),
                Err(_) => panic!(
                    "no row ever read {row:?}; the screen shows:\n{}",
                    self.dump()
                ),
            }
        }
    }

    /// Waits until the screen's last non-empty rows are `rows`.
    pub fn wait_for_bottom(&mut self, rows: &[&str]) {
        self.wait_for(&format!("{rows:#?} at the bottom"), |t| {
            let visible = t.rows();
            visible.len() >= rows.len() && visible[visible.len() - rows.len()..] == *rows
        });
    }

    /// Waits until the screen's last non-empty rows are `rows` and the cursor is at `cursor`
    /// (row, column), so that a frame drawn half-way is never taken for the whole.
    pub fn wait_for_bottom_and_cursor(&mut self, rows: &[&str], cursor: (u16, u16)) {
        self.wait_for(
            &format!("{rows:#?} at the bottom, cursor at {cursor:?}"),
            |t| {
                let visible = t.rows();
                t.cursor() == cursor
                    && visible.len() >= rows.len()
                    && visible[visible.len() - rows.len()..] == *rows
            },
        );
    }

    /// The screen's rows, each without trailing blanks, without the empty rows at the bottom.
    pub fn rows(&self) -> Vec<String> {
        let screen = self.parser.screen();
        let mut rows: Vec<String> = screen
            .rows(0, screen.size().1.get())
            .map(|row| row.trim_end().to_string())
            .collect();
        while rows.last().is_some_and(String::is_empty) {
            rows.pop();
        }
        rows
    }

    /// Every row, the scrolled-off ones first, each without trailing blanks.
    pub fn all_rows(&mut self) -> Vec<String> {
        let screen = self.parser.screen_mut();
        let (height, width) = (screen.size().0.get() as usize, screen.size().1.get());
        screen.set_scrollback(usize::MAX);
        let above = screen.scrollback();
        let mut rows = vec![String::new(); above + height];
        let mut back = above;
        loop {
            screen.set_scrollback(back);
            for (i, row) in screen.rows(0, width).enumerate() {
                rows[above - back + i] = row.trim_end().to_string();
            }
            if back == 0 {
                break;
            }
            back = back.saturating_sub(height);
        }
        rows
    }

    /// The cursor's (row, column).
    pub fn cursor(&self) -> (u16, u16) {
        self.parser.screen().cursor_position()
    }

    /// The colour of the cell at `row` (counted from the top), `col`.
    pub fn colour_at(&self, row: usize, col: u16) -> vt100::Color {
        let screen = self.parser.screen();
        screen.cell(row as u16, col).unwrap().fgcolor()
    }

    /// True if some cell on screen is drawn in a colour.
    pub fn any_colour(&self) -> bool {
        let screen = self.parser.screen();
        let (rows, cols) = (screen.size().0.get(), screen.size().1.get());
        (0..rows).any(|r| {
            (0..cols).any(|c| screen.cell(r, c).unwrap().fgcolor() != vt100::Color::Default)
        })
    }

    /// Changes the window's size, as a person dragging its corner does.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        set_size(&self.master, rows, cols);
        self.parser
            .screen_mut()
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
    }

    /// The names of the program's threads (Linux's `/proc/PID/task/*/comm`), sorted; `None`
    /// where there is no `/proc`.
    pub fn thread_names(&self) -> Option<Vec<String>> {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.pid)).ok()?;
        let mut names: Vec<String> = tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .map(|name| name.trim_end().to_string())
            .collect();
        names.sort();
        Some(names)
    }

    /// Waits for the client to exit and returns its exit code (negative: killed by that signal).
    pub fn wait_exit(&mut self) -> Option<i32> {
        if self.status.is_none() {
            match self.exited.recv_timeout(SCREEN_TIMEOUT) {
                Ok(code) => self.status = Some(code),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the client did not exit; the screen:\n{}", self.dump())
                }
                Err(RecvTimeoutError::Disconnected) => unreachable!("the waiter sends once"),
            }
        }
        self.status.expect("set above")
    }

    /// True if the terminal is back in its normal, line-by-line mode with echo.
    pub fn in_normal_mode(&self) -> bool {
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(
            unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut settings) },
            0
        );
        let wanted = libc::ICANON | libc::ECHO;
        settings.c_lflag & wanted == wanted
    }

    /// After the client has exited: what a program reading the terminal next (the shell) gets
    /// when the user presses Enter.
    pub fn next_line_read(&mut self) -> String {
        self.keys("\n");
        let mut buf = [0; 4096];
        let n = (&self.slave).read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    fn dump(&self) -> String {
        let rows = self.rows();
        let numbered: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(n, row)| format!("{n:2}|{row}"))
            .collect();
        format!("{}\n(cursor at {:?})", numbered.join("\n"), self.cursor())
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.status.is_none() {
            // SAFETY: the pid is our own child's, not yet reaped (the waiter reaps it after this).
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
        }
    }
}

fn open_pty(rows: u16, cols: u16) -> (File, File) {
    let (mut master, mut slave) = (-1, -1);
    let size = window(rows, cols);
    let made = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(made, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty returned two new descriptors that nothing else owns.
    unsafe {
        (
            File::from(OwnedFd::from_raw_fd(master)),
            File::from(OwnedFd::from_raw_fd(slave)),
        )
    }
}

fn window(rows: u16, cols: u16) -> libc::winsize {
    libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

fn set_size(master: &File, rows: u16, cols: u16) {
    let size = window(rows, cols);
    // SAFETY: TIOCSWINSZ reads one winsize; the kernel then signals the terminal's foreground
    // process group with SIGWINCH.
    assert_eq!(
        unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &size) },
        0
    );
}

fn forward_output(mut master: File) -> Receiver<Vec<u8>> {
    let (chunks, receiver) = crossbeam_channel::unbounded();
    thread::spawn(move || {
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = master.read(&mut buf) {
            if chunks.send(buf[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    receiver
}
