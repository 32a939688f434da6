//! The Go original (`go/`), built once per test run, offline, into cargo's temporary directory for
//! integration tests; or `None`, after printing `skipped: go not installed`, where Go is missing.
//! Shared by `tests/interop.rs`, `tests/demo.rs` and `steps/tests/steps.rs` (through `#[path]`).

#![allow(dead_code)] // The demo tests need only the server.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The two Go programs, built from `go/`.
pub struct GoOriginal {
    pub server: PathBuf,
    pub client: PathBuf,
}

/// Builds the Go original once for the whole run, or returns `None` (after saying so) when Go is
/// not installed. A build that fails fails every test that needs it.
pub fn go_original() -> Option<&'static GoOriginal> {
    static BUILT: OnceLock<Option<GoOriginal>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let installed = Command::new("go").arg("version").output();
        if !installed.is_ok_and(|output| output.status.success()) {
            return None;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-original");
        let build = |name: &str| {
            let binary = dir.join(format!("go-{name}"));
            let target = binary.to_str().expect("the target directory is UTF-8");
            run_go_tool(Command::new("go").args(["build", "-o", target, &format!("./{name}")]));
            binary
        };
        Some(GoOriginal {
            server: build("server"),
            client: build("client"),
        })
    });
    if built.is_none() {
        println!("skipped: go not installed");
    }
    built.as_ref()
}

/// Runs a Go tool in `go/`, offline (the original needs nothing beyond the standard library), and
/// returns its standard output; panics with its error output if it fails.
pub fn run_go_tool(command: &mut Command) -> String {
    let output = command
        .current_dir(go_folder())
        .env("GOPROXY", "off")
        .output()
        .expect("Go is installed, so its tools run");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The repository's `go/` folder, from the chat's tests or from a workspace member's (`steps/`).
fn go_folder() -> PathBuf {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    [package, package.parent().unwrap_or(package)]
        .iter()
        .map(|dir| dir.join("go"))
        .find(|dir| dir.join("go.mod").exists())
        .expect("the repository has go/go.mod")
}
