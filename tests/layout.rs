//! The shape of the code, checked: no two files import each other (directly or round a longer
//! loop), so a reader can always tell which file sits above which; and the chat's `src/` holds no
//! load-generator code, and the chat no async runtime.
//!
//! A file's imports are the module paths it names (`crate::room::Room`, `super::render`, and in a
//! `lib.rs` or `mod.rs` its own children, `console::Console`), each resolved to the file that
//! declares that module. Unit tests (everything from a file's `#[cfg(test)]` on) are left out:
//! `use super::*` in a test module points at its own file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The two crates of the workspace, by their source folders.
const CRATES: [&str; 2] = ["src", "loadgen/src"];

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    for dir in CRATES {
        let graph = import_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
        assert!(graph.len() >= 10, "{dir}: only {} files read", graph.len());
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{dir}: import cycle {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_chat_crate_holds_no_load_generator() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (module, _) in import_graph(&src) {
        assert!(!module.contains("loadgen"), "src/ has {module}");
    }
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("Cargo.toml");
    assert!(
        manifest.contains("members = [\".\", \"loadgen\", \"steps\", \"steps/async\"]"),
        "loadgen, the course's steps and the mirror in tokio are workspace members"
    );
}

/// No async runtime in the chat: tokio is in the workspace (`steps/async`, for
/// docs/threads-and-tasks.md) but not among the chat's own dependencies, as Cargo.lock lists them.
#[test]
fn the_chat_crate_has_no_async_runtime() {
    let lock = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    let chat = lock
        .split("[[package]]")
        .find(|package| package.contains("name = \"realtime-chat\""))
        .expect("Cargo.lock lists the chat");
    assert!(
        chat.contains("\"crossbeam-channel\""),
        "the chat's dependencies: {chat}"
    );
    for runtime in ["tokio", "async-std", "smol"] {
        assert!(
            !chat.contains(&format!("\"{runtime}\"")),
            "the chat depends on {runtime}"
        );
    }
    assert!(
        lock.contains("name = \"tokio\""),
        "the mirror in tokio is in the workspace"
    );
}

#[test]
fn the_checker_finds_a_cycle_and_reads_grouped_imports() {
    let mut graph = Graph::new();
    graph.insert("a".into(), BTreeSet::from(["b".into()]));
    graph.insert("b".into(), BTreeSet::from(["c".into()]));
    graph.insert("c".into(), BTreeSet::from(["a".into()]));
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    graph.insert("c".into(), BTreeSet::new());
    assert_eq!(find_cycle(&graph), None);
    let code = "use super::{dialogue::{self, Phase}, render};\n/// [`crate::x`]\nlet r = crate::room::new();";
    assert_eq!(
        named_paths(code),
        [
            "super::dialogue",
            "super::dialogue::Phase",
            "super::render",
            "crate::room::new"
        ]
    );
}

/// Module path (`client::console`, `` for the crate root) to the modules its file imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn import_graph(dir: &Path) -> Graph {
    let files: BTreeMap<String, PathBuf> = rust_files(dir)
        .into_iter()
        .filter_map(|path| Some((module_of(dir, &path)?, path)))
        .collect();
    let mut graph = Graph::new();
    for (module, path) in &files {
        let source = fs::read_to_string(path).expect("a source file");
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        let is_parent = path.ends_with("lib.rs") || path.ends_with("mod.rs");
        let imports = named_paths(code)
            .into_iter()
            .filter_map(|named| absolute(module, is_parent, &named))
            .filter_map(|target| resolve(&files, &target))
            .filter(|target| target != module)
            .collect();
        graph.insert(module.clone(), imports);
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() && !path.ends_with("bin") {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("main.rs") {
            found.push(path);
        }
    }
    found
}

/// `src/client/console.rs` is `client::console`; `src/client/mod.rs` is `client`; `lib.rs` is ``.
fn module_of(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?.with_extension("");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    Some(parts.join("::"))
}

/// Every path the code names: each path of its `use` trees (`super::{a::{self, B}, c}` is
/// `super::a`, `super::a::B`, `super::c`), and each `crate::` or `super::` path in its body.
/// Comments are left out: a doc link is not an import.
fn named_paths(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim();
        match statement.split_once("use ") {
            Some((before, tree)) if before.trim().is_empty() || before.trim() == "pub" => {
                spread_use_tree(tree.trim(), "", &mut paths);
            }
            _ => paths.extend(body_paths(statement)),
        }
    }
    paths
}

/// Adds one path per leaf of a `use` tree, each behind `prefix`.
fn spread_use_tree(tree: &str, prefix: &str, paths: &mut Vec<String>) {
    let Some((base, group)) = tree.split_once('{') else {
        let leaf = tree.split(" as ").next().unwrap_or_default().trim();
        match leaf {
            "" | "self" | "*" => paths.push(prefix.trim_end_matches("::").to_string()),
            _ => paths.push(format!("{prefix}{leaf}")),
        }
        return;
    };
    let prefix = format!("{prefix}{base}");
    let group = group.strip_suffix('}').unwrap_or(group);
    let (mut depth, mut start) = (0, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                spread_use_tree(group[start..at].trim(), &prefix, paths);
                start = at + 1;
            }
            _ => {}
        }
    }
    if !group[start..].trim().is_empty() {
        spread_use_tree(group[start..].trim(), &prefix, paths);
    }
}

/// The `crate::...` and `super::...` paths written out in code, and in a `lib.rs` or `mod.rs` the
/// paths through its own children (`console::Console`): any `word::word` is kept, and those that
/// name no module of the crate are dropped later.
fn body_paths(code: &str) -> Vec<String> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|word| word.contains("::") && !word.starts_with("::"))
        .map(|word| word.trim_end_matches(':').to_string())
        .collect()
}

/// The named path as a path from the crate root, if it points into this crate at all.
fn absolute(module: &str, is_parent: bool, named: &str) -> Option<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let join = |base: &str, rest: &str| match base {
        "" => rest.to_string(),
        _ => format!("{base}::{rest}"),
    };
    if let Some(rest) = named.strip_prefix("crate::") {
        Some(rest.to_string())
    } else if let Some(rest) = named.strip_prefix("super::") {
        Some(join(parent, rest))
    } else if is_parent {
        Some(join(module, named))
    } else {
        None
    }
}

/// The longest prefix of `target` that is a module with a file of its own.
fn resolve(files: &BTreeMap<String, PathBuf>, target: &str) -> Option<String> {
    let parts: Vec<&str> = target.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|prefix| files.contains_key(prefix))
}

/// A loop of imports, as the files along it (the first repeated at the end), if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}
