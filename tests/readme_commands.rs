//! The README's `make` commands run as written: every `make ...` line in its code blocks names a
//! target the Makefile has, and every variable it sets (`ADDR=...`, `ARGS="..."`) is one that
//! target's recipe uses, so that no example silently does nothing with what it was given.
//!
//! The Makefile is read, not run: a target's recipe, plus the variables it expands (and theirs),
//! is searched for `$(NAME)`.

use std::collections::BTreeMap;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The `make` lines of the README's code blocks (indented by four spaces, or fenced), without
/// their `# comments`.
fn make_lines(readme: &str) -> Vec<String> {
    let mut fenced = false;
    let mut lines = Vec::new();
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let code = fenced || line.starts_with("    ");
        let command = line.split(" #").next().unwrap_or("").trim();
        if code && command.starts_with("make ") {
            lines.push(command.to_string());
        }
    }
    lines
}

/// A `make` line's target and the variables it sets.
fn parse(command: &str) -> (String, Vec<String>) {
    let mut target = None;
    let mut variables = Vec::new();
    for word in shell_words(command).into_iter().skip(1) {
        match word.split_once('=') {
            Some((name, _)) => variables.push(name.to_string()),
            None if !word.starts_with('-') => target = target.or(Some(word)),
            None => {}
        }
    }
    (target.unwrap_or_default(), variables)
}

/// Splits on spaces outside double quotes, as a shell would for these simple lines.
fn shell_words(command: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for c in command.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => words.extend((!word.is_empty()).then(|| std::mem::take(&mut word))),
            _ => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

/// The Makefile's targets, each with its recipe, and its variables, each with its value.
struct Makefile {
    recipes: BTreeMap<String, String>,
    variables: BTreeMap<String, String>,
}

impl Makefile {
    fn parse(text: &str) -> Makefile {
        let (mut recipes, mut variables) = (BTreeMap::new(), BTreeMap::new());
        let mut current: Option<String> = None;
        let mut continued: Option<String> = None;
        for line in text.lines() {
            if let Some(name) = &continued {
                let value: &mut String = variables.get_mut(name).expect("set below");
                value.push_str(line);
                continued = line.ends_with('\\').then(|| name.clone());
            } else if let Some(recipe) = line.strip_prefix('\t') {
                if let Some(target) = &current {
                    let text: &mut String = recipes.get_mut(target).expect("set below");
                    text.push_str(recipe);
                }
            } else if let Some((name, value)) = assignment(line) {
                variables.insert(name.clone(), value.to_string());
                continued = line.ends_with('\\').then_some(name);
            } else if let Some((target, _)) = line.split_once(':')
                && !target.is_empty()
                && !target.contains([' ', '$', '#', '.'])
            {
                recipes.insert(target.to_string(), String::new());
                current = Some(target.to_string());
            } else if !line.starts_with('#') && !line.trim().is_empty() {
                current = None;
            }
        }
        Makefile { recipes, variables }
    }

    /// True if `target`'s recipe expands `$(variable)`, directly or through other variables.
    fn uses(&self, target: &str, variable: &str) -> bool {
        let mut seen = Vec::new();
        let mut texts = vec![self.recipes[target].clone()];
        while let Some(text) = texts.pop() {
            for name in references(&text) {
                if name == variable {
                    return true;
                }
                if !seen.contains(&name)
                    && let Some(value) = self.variables.get(&name)
                {
                    texts.push(value.clone());
                    seen.push(name);
                }
            }
        }
        false
    }
}

/// `NAME = value`, `NAME ?= value` or `NAME := value`.
fn assignment(line: &str) -> Option<(String, &str)> {
    let (name, value) = line.split_once('=')?;
    let name = name.trim_end_matches(['?', ':', ' ']);
    let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    is_name.then(|| (name.to_string(), value))
}

/// The names in `$(NAME)` and `$(call NAME,...)` in `text`.
fn references(text: &str) -> Vec<String> {
    text.split("$(")
        .skip(1)
        .map(|rest| {
            let rest = rest.strip_prefix("call ").unwrap_or(rest);
            let end = rest.find([')', ',', ' ', ':']).unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect()
}

#[test]
fn every_make_line_in_the_readme_names_a_target_that_uses_its_variables() {
    let makefile = Makefile::parse(&read("Makefile"));
    let lines = make_lines(&read("README.md"));
    assert!(
        lines.iter().any(|line| line.contains("ARGS=")),
        "the README shows how to pass options: {lines:#?}"
    );
    for line in &lines {
        let (target, variables) = parse(line);
        assert!(
            makefile.recipes.contains_key(&target),
            "`{line}`: the Makefile has no target {target:?}"
        );
        for variable in variables {
            assert!(
                makefile.uses(&target, &variable),
                "`{line}`: target {target} never uses {variable}"
            );
        }
    }
}

/// The checker itself: it finds what the README shows, and it notices a variable a target
/// ignores and a target that does not exist.
#[test]
fn the_checker_notices_a_missing_target_and_an_unused_variable() {
    let readme = "text `make nothing` here\n\n    make server ARGS=\"--trace x\"   # traced\n";
    assert_eq!(make_lines(readme), ["make server ARGS=\"--trace x\""]);
    assert_eq!(
        parse("make server ARGS=\"--trace x\" ADDR=1"),
        ("server".into(), vec!["ARGS".into(), "ADDR".into()])
    );
    let makefile = Makefile::parse(
        "A = $(B) x\nB ?= 1\nrun = go $(1) \\\n\t$(C)\nC = 3\n\nserver:\n\t@echo $(A)\n\n\
         client: server\n\t@$(call run,y)\n",
    );
    assert!(makefile.uses("server", "B"));
    assert!(!makefile.uses("server", "C"));
    assert!(makefile.uses("client", "C"));
    assert!(!makefile.recipes.contains_key("demo"));
}
