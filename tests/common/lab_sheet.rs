//! The lab sheet (docs/lab.md) and its quizzes (docs/quizzes.md), read the way `tests/lab.rs`
//! runs them. The sheet is plain Markdown written to a few rules, so that a test can run it:
//!
//! - a segment is a heading `## 3. One order of events (15 min)`;
//! - a command block is fenced as ```` ```sh T1 ````: each line a command typed in terminal 1;
//! - a screen block is fenced as ```` ```text T2 ````: what terminal 2 shows next, where a line
//!   `> Sarah` is typed, `[Ctrl-Z]` (and `[fg]`, `[Ctrl-C]`, `[Ctrl-\]`) is a key, `...` stands
//!   for any lines (or, inside a line, any text), and `[nothing more]` says the screen stays still;
//! - the line before each block names its terminal for a reader: `**T1** (server), run:` or
//!   `**T2** (Sarah) shows:`;
//! - an answer is folded in `<details>`, and names the outcome it states in a comment a test
//!   checks: `<!-- check flaw: a second Omar joins | step 2 | refused -->`.

#![allow(dead_code)] // tests/lab.rs uses all of it; other test files none.

/// One timed part of the lab.
#[derive(Debug)]
pub struct Segment {
    pub number: usize,
    pub title: String,
    pub minutes: u32,
    pub blocks: Vec<Block>,
    /// The segment's text, heading excluded.
    pub text: String,
}

/// A fenced block tagged with its terminal.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: Kind,
    pub terminal: usize,
    pub lines: Vec<String>,
    /// The line a reader sees before the block, naming its terminal.
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Commands,
    Screen,
}

/// A checkable claim in an answer: its kind (`flaw`, `ui`, `screen`), its fields, and the text
/// of the `<details>` it stands in.
#[derive(Debug)]
pub struct Check {
    pub kind: String,
    pub fields: Vec<String>,
    pub answer: String,
}

/// The segments of `sheet`, in order.
pub fn segments(sheet: &str) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    for line in sheet.lines() {
        if let Some((number, title, minutes)) = heading(line) {
            segments.push(Segment {
                number,
                title,
                minutes,
                blocks: Vec::new(),
                text: String::new(),
            });
        } else if line.starts_with("## ") {
            break; // The sections after the segments (the minimum path, what to leave out).
        } else if let Some(segment) = segments.last_mut() {
            segment.text.push_str(line);
            segment.text.push('\n');
        }
    }
    for segment in &mut segments {
        segment.blocks = blocks(&segment.text);
    }
    segments
}

/// `## 3. One order of events (15 min)` as (3, "One order of events", 15).
pub fn heading(line: &str) -> Option<(usize, String, u32)> {
    let rest = line.strip_prefix("## ")?;
    let (number, rest) = rest.split_once(". ")?;
    let (title, minutes) = rest.strip_suffix(" min)")?.rsplit_once(" (")?;
    Some((
        number.parse().ok()?,
        title.to_string(),
        minutes.parse().ok()?,
    ))
}

/// The tagged fenced blocks of `text`. A fence without a terminal tag is not one of them;
/// [`untagged_commands`] finds the command blocks that forgot theirs.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<Block> = None;
    let mut previous = "";
    for line in text.lines() {
        if let Some(block) = open.as_mut() {
            if line.starts_with("```") {
                found.extend(open.take());
            } else {
                block.lines.push(line.to_string());
            }
        } else if let Some(info) = line.strip_prefix("```") {
            open = Some(fence(info, previous).unwrap_or(Block {
                kind: Kind::Screen,
                terminal: 0,
                lines: Vec::new(),
                label: String::new(),
            }));
        } else if !line.trim().is_empty() {
            previous = line;
        }
    }
    found.into_iter().filter(|b| b.terminal > 0).collect()
}

/// `sh T1` or `text T2`, with the line before the fence as its label.
fn fence(info: &str, label: &str) -> Option<Block> {
    let (language, terminal) = info.trim().split_once(' ')?;
    let kind = match language {
        "sh" => Kind::Commands,
        "text" => Kind::Screen,
        _ => return None,
    };
    Some(Block {
        kind,
        terminal: terminal.strip_prefix('T')?.parse().ok()?,
        lines: Vec::new(),
        label: label.to_string(),
    })
}

/// The info strings of the `sh` fences in `text` that name no terminal: commands a test could
/// not run.
pub fn untagged_commands(text: &str) -> Vec<String> {
    let mut inside = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if let Some(info) = line.strip_prefix("```") {
            if !inside && (info.trim() == "sh" || info.trim() == "bash" || info.trim() == "console")
            {
                found.push(line.to_string());
            }
            inside = !inside;
        } else if !inside && line.starts_with("    ") && !line.trim_start().starts_with(['-', '*'])
        {
            found.push(line.to_string()); // An indented code block.
        }
    }
    found
}

/// The label a block must carry: `**T1**` first, and `run:` or `shows:` last.
pub fn label_fits(block: &Block) -> bool {
    let ending = match block.kind {
        Kind::Commands => "run:",
        Kind::Screen => "shows:",
    };
    block.label.starts_with(&format!("**T{}**", block.terminal)) && block.label.ends_with(ending)
}

/// Every `<!-- check KIND: a | b -->` in the `<details>` of `text`, with the answer around it.
pub fn checks(text: &str) -> Vec<Check> {
    let mut found = Vec::new();
    for answer in text.split("<details>").skip(1) {
        let answer = answer.split("</details>").next().unwrap_or_default();
        let visible = without_comments(answer);
        for comment in answer.split("<!-- check ").skip(1) {
            let claim = comment.split("-->").next().unwrap_or_default();
            let Some((kind, fields)) = claim.split_once(':') else {
                continue;
            };
            found.push(Check {
                kind: kind.trim().to_string(),
                fields: fields.split('|').map(|f| f.trim().to_string()).collect(),
                answer: visible.clone(),
            });
        }
    }
    found
}

/// `text` as a reader sees it: without its `<!-- ... -->` comments.
pub fn without_comments(text: &str) -> String {
    let mut visible = String::new();
    for (at, piece) in text.split("<!--").enumerate() {
        match at {
            0 => visible.push_str(piece),
            _ => visible.push_str(piece.split_once("-->").map_or("", |(_, rest)| rest)),
        }
    }
    visible
}

/// True if `line` is what `pattern` shows, where `...` in the pattern stands for any text.
pub fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == line;
    }
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}
