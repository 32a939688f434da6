//! The wire protocol: every line the server sends, and the rules for what a client sends.
//!
//! Go counterpart: the `fmt.Sprintf` calls scattered through the original's `handleClient` and
//! `broadcaster`. Here every string lives in one place as a pure function, so the protocol can be
//! read (and unit-tested) without a socket in sight. Which IDs may join, and the reason given
//! when one may not, are [`crate::id`]'s business.
//!
//! The protocol is plain UTF-8 lines ending in `\n` (the server also accepts `\r\n`), so
//! `nc 127.0.0.1 5000` is a complete client. Every line a client receives is either a user's
//! message, which starts with `[`, or a system line, which never does.

use std::borrow::Cow;
use unicode_security::GeneralSecurityProfile;
use unicode_security::general_security_profile::IdentifierType;

/// How a newcomer's user list starts, when there is someone to list.
pub const CURRENT_USERS_PREFIX: &str = "** Current users in chat: ";

/// How every user list ends.
pub const USER_LIST_SUFFIX: &str = " **";

/// Sent on connect, and again after every rejected ID.
pub const ID_PROMPT: &str = "Enter your ID:";

/// The answer to `/help`.
pub const HELP: &str = "** Commands: /users, /quit, /help **";

/// Sent to every joined client when the server stops.
pub const SHUTTING_DOWN: &str = "** Server is shutting down **";

/// Sent to a connection that has not chosen a valid ID within the ID timeout.
pub const ID_TIMED_OUT: &str = "** Timed out waiting for your ID **";

/// Sent to a connection that has had [`crate::handshake::MAX_ID_REJECTIONS`] IDs rejected, before
/// it is closed.
pub const TOO_MANY_ID_REJECTIONS: &str =
    "** Too many rejected IDs; closing. Read the reasons above and reconnect to try again **";

/// Sent once to a joined client whose lines arrive faster than `--max-rate` allows (after its
/// `--burst`): nothing is lost, its lines are only read more slowly from then on.
pub const SENDING_TOO_FAST: &str = "** You are sending too fast; your lines are delayed **";

/// Sent to a connection refused because its address already has `--max-per-address` open.
pub const TOO_MANY_FROM_ADDRESS: &str = "** Too many connections from your address **";

/// Sent to the oldest connection still choosing an ID when a newcomer arrives at a full room: it
/// is closed to make room (see [`crate::admission`]), and a person may simply reconnect.
pub const CLOSED_TO_MAKE_ROOM: &str = "** Server is full and you had not chosen an ID yet; closed to make room. Reconnect to try again **";

/// True for characters that must never reach another user's terminal: C0 and C1 control
/// characters and DEL (cursor movement, colours, screen clearing), the Unicode bidirectional
/// overrides and isolates (which reorder the text around them), the line and paragraph separators
/// (which some terminals and editors break a line at, so a message could draw a line of its own)
/// and the invisible characters that IDs refuse ([`is_invisible`]: zero-width spaces,
/// the LRM/RLM/ALM marks, the Hangul filler), except the three kinds that visible text needs:
/// the zero-width non-joiner and joiner and the variation selectors.
pub fn is_stripped(c: char) -> bool {
    // Most text is ASCII, where only the controls are stripped: no table lookup for it.
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}')
        || (is_invisible(c) && !joins_visible_text(c))
}

/// Characters that draw nothing by themselves (UTS #39 `Default_Ignorable`): the bidi controls,
/// zero-width spaces and joiners, variation selectors, Hangul fillers. IDs refuse them all
/// ([`crate::id`]); messages drop most of them ([`is_stripped`]).
pub fn is_invisible(c: char) -> bool {
    c.identifier_type() == Some(IdentifierType::Default_Ignorable)
}

/// The invisible characters a message keeps, because they change how the visible characters
/// around them are drawn and cannot draw anything by themselves: the zero-width non-joiner and
/// joiner (Persian and the Indic scripts need them inside words; emoji sequences such as a family
/// are joined with U+200D) and the variation selectors (text or emoji style, `❤️`).
fn joins_visible_text(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Turns raw bytes from a peer into text that is safe to show: Telnet commands are dropped
/// ([`strip_telnet`]), invalid UTF-8 becomes U+FFFD, a tab becomes a space, every other stripped
/// character is removed. Runs of spaces are kept: students paste indented code.
pub fn sanitize(raw: &[u8]) -> String {
    String::from_utf8_lossy(&strip_telnet(raw))
        .chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if is_stripped(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Telnet's "Interpret As Command" byte (RFC 854). It never occurs in UTF-8 text.
const IAC: u8 = 0xFF;
/// Telnet's "subnegotiation begins" and "ends" commands, which enclose option data.
const SB: u8 = 250;
const SE: u8 = 240;
/// WILL, WONT, DO and DONT: option negotiation, each followed by one option byte.
const NEGOTIATION: std::ops::RangeInclusive<u8> = 251..=254;

/// Drops Telnet commands (RFC 854) from a line, so that `telnet HOST 5000` stays a usable client:
/// its Ctrl-C sends IAC IP (`FF F4`), often followed by IAC DO TIMING-MARK (`FF FD 06`), which would
/// otherwise reach everyone as `���`. A command is IAC and one byte; option negotiation is IAC,
/// WILL/WONT/DO/DONT and an option byte; a subnegotiation runs from IAC SB to IAC SE. IAC IAC is
/// a data byte 255, kept (it then becomes U+FFFD like any other invalid byte). A line without IAC,
/// which is every line from anything but telnet, is returned as it is, without a copy.
pub fn strip_telnet(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&IAC) {
        return Cow::Borrowed(raw);
    }
    let mut kept = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        if byte != IAC {
            kept.push(byte);
            continue;
        }
        match rest.first() {
            Some(&IAC) => {
                kept.push(IAC);
                rest = &rest[1..];
            }
            Some(command) if NEGOTIATION.contains(command) => rest = rest.get(2..).unwrap_or(&[]),
            Some(&SB) => rest = skip_subnegotiation(&rest[1..]),
            Some(_) => rest = &rest[1..],
            None => {}
        }
    }
    Cow::Owned(kept)
}

/// What follows a subnegotiation's closing IAC SE, or nothing if it never closes on this line.
fn skip_subnegotiation(rest: &[u8]) -> &[u8] {
    rest.windows(2)
        .position(|pair| pair == [IAC, SE])
        .map_or(&[], |at| &rest[at + 2..])
}

/// What one line from a joined client asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Text to broadcast to everyone else.
    Say(String),
    Users,
    Help,
    Quit,
    Unknown(String),
    /// A line with nothing but whitespace: dropped silently.
    Nothing,
}

/// Reads one sanitized line from a joined client. A line starting with `/` is a command, named by
/// its first word (case-insensitively; anything after the word is ignored); `//` escapes a message
/// that starts with `/`.
pub fn parse_request(line: &str) -> Request {
    if line.trim().is_empty() {
        return Request::Nothing;
    }
    if let Some(escaped) = line.strip_prefix("//") {
        return Request::Say(format!("/{escaped}"));
    }
    if !line.starts_with('/') {
        return Request::Say(line.to_string());
    }
    let word = line.split_whitespace().next().unwrap_or(line);
    match word.to_lowercase().as_str() {
        "/users" => Request::Users,
        "/help" => Request::Help,
        "/quit" => Request::Quit,
        _ => Request::Unknown(word.to_string()),
    }
}

/// `[Ahmed]: hello`: the only kind of line that starts with `[`.
pub fn chat_line(from: &str, text: &str) -> String {
    format!("[{from}]: {text}")
}

pub fn joined_line(id: &str) -> String {
    format!("User {id} joined the chat")
}

pub fn left_line(id: &str) -> String {
    format!("User {id} left the chat")
}

/// What a newcomer sees first: everyone who was already in the room, in join order.
pub fn current_users_line(others: &[&str]) -> String {
    if others.is_empty() {
        "** No other users in chat **".to_string()
    } else {
        format!(
            "{CURRENT_USERS_PREFIX}{}{USER_LIST_SUFFIX}",
            others.join(", ")
        )
    }
}

/// The answer to `/users`: everyone, the asker included, in join order.
pub fn users_line(everyone: &[&str]) -> String {
    format!("** Users in chat: {} **", everyone.join(", "))
}

pub fn unknown_command_line(word: &str) -> String {
    format!("** Unknown command: {word} (try /help) **")
}

pub fn line_too_long(max_bytes: usize) -> String {
    format!("** Line too long (max {max_bytes} bytes); not sent **")
}

/// Sent to a connection refused by `--max-connects-per-minute`, before it is closed: when it may
/// come back, in whole seconds rounded up.
pub fn throttled(wait: std::time::Duration) -> String {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    format!("** Too many new connections from your address; try again in {seconds} s **")
}

/// Sent to a member shed because the room's memory was full and it held the most of it (see
/// [`crate::budget`]), before its connection is closed.
pub const SHED: &str = "** Disconnected: you were reading too slowly and held the room's memory; reconnect to rejoin **";

pub fn server_full(max_clients: usize) -> String {
    format!("** Server is full ({max_clients} users); try again later **")
}

/// The server terminal's log lines, kept here so they match the protocol's wording.
pub mod log {
    pub fn running(port: u16) -> String {
        format!("Server running on port {port}...")
    }

    pub fn joined(id: &str) -> String {
        format!("[SERVER] User '{id}' joined the chat")
    }

    pub fn left(id: &str) -> String {
        format!("[SERVER] User '{id}' left the chat")
    }

    pub fn dropped(id: &str) -> String {
        format!("[SERVER] User '{id}' dropped: not reading")
    }

    pub fn dropped_behind(id: &str, bytes: usize) -> String {
        format!("[SERVER] User '{id}' dropped: too far behind ({bytes} bytes waiting)")
    }

    pub fn dropped_holding(id: &str, bytes: usize) -> String {
        format!("[SERVER] User '{id}' dropped: holding the room's memory ({bytes} bytes waiting)")
    }

    /// A member the stop's notice did not reach within its grace.
    pub fn not_told(id: &str) -> String {
        format!("[SERVER] User '{id}' was not told the server is shutting down: not reading")
    }

    pub fn shutting_down() -> String {
        "[SERVER] Shutting down (Ctrl-C again to quit at once)".to_string()
    }

    /// Said once the output moves again after the logger had to drop lines.
    pub fn lines_dropped(lost: u64) -> String {
        format!("[SERVER] {lost} log lines were dropped: the output was blocked or too slow")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_controls_and_bidi_and_replaces_bad_utf8() {
        assert_eq!(sanitize(b"a\tb"), "a b");
        assert_eq!(sanitize(b"\x1b[31mred\x7f\x07"), "[31mred");
        assert_eq!(sanitize("x\u{85}y\u{202E}z\u{2066}".as_bytes()), "xyz");
        assert_eq!(sanitize(b"ok\xfe"), "ok\u{FFFD}");
    }

    /// Each of these reached clients unchanged once; runs of spaces still do.
    #[test]
    fn sanitize_strips_separators_and_invisibles_but_keeps_spaces_and_joiners() {
        for hidden in [
            '\u{2028}', '\u{2029}', '\u{85}', '\u{200E}', '\u{200F}', '\u{61C}', '\u{200B}',
            '\u{3164}', '\u{FEFF}', '\u{2060}',
        ] {
            let line = format!("a{hidden}b");
            assert_eq!(sanitize(line.as_bytes()), "ab", "U+{:04X}", hidden as u32);
        }
        assert_eq!(sanitize(b"    fn main() {  }"), "    fn main() {  }");
        for kept in [
            "\u{645}\u{200C}\u{634}",
            "\u{1F468}\u{200D}\u{1F467}",
            "\u{2764}\u{FE0F}",
        ] {
            assert_eq!(sanitize(kept.as_bytes()), kept);
        }
    }

    #[test]
    fn telnet_commands_are_dropped_and_other_lines_are_not_copied() {
        assert_eq!(sanitize(b"hi\xff\xf4\xff\xfd\x06 there"), "hi there");
        assert_eq!(
            sanitize(b"\xff\xfb\x01\xff\xfa\x18\x00xterm\xff\xf0ok"),
            "ok"
        );
        assert_eq!(sanitize(b"a\xff\xffb"), "a\u{FFFD}b");
        assert_eq!(sanitize(b"cut\xff\xfa\x18 never closed"), "cut");
        assert_eq!(sanitize(b"end\xff"), "end");
        assert!(matches!(strip_telnet(b"plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn parses_commands_and_messages() {
        assert_eq!(parse_request("hello"), Request::Say("hello".into()));
        assert_eq!(parse_request("   "), Request::Nothing);
        assert_eq!(parse_request("/users"), Request::Users);
        assert_eq!(parse_request("/USERS now"), Request::Users);
        assert_eq!(parse_request("/help"), Request::Help);
        assert_eq!(parse_request("/quit"), Request::Quit);
        assert_eq!(parse_request("/foo bar"), Request::Unknown("/foo".into()));
        assert_eq!(parse_request("//path"), Request::Say("/path".into()));
        assert_eq!(parse_request(" /users"), Request::Say(" /users".into()));
    }

    #[test]
    fn formats_every_line() {
        assert_eq!(chat_line("Omar", "Hi Ahmed!"), "[Omar]: Hi Ahmed!");
        assert_eq!(joined_line("Ahmed"), "User Ahmed joined the chat");
        assert_eq!(left_line("Ahmed"), "User Ahmed left the chat");
        assert_eq!(current_users_line(&[]), "** No other users in chat **");
        assert_eq!(
            current_users_line(&["Omar", "Sarah"]),
            "** Current users in chat: Omar, Sarah **"
        );
        assert_eq!(
            users_line(&["Ahmed", "Omar"]),
            "** Users in chat: Ahmed, Omar **"
        );
        assert_eq!(
            unknown_command_line("/foo"),
            "** Unknown command: /foo (try /help) **"
        );
        assert_eq!(
            line_too_long(4096),
            "** Line too long (max 4096 bytes); not sent **"
        );
        assert_eq!(
            server_full(1000),
            "** Server is full (1000 users); try again later **"
        );
        assert_eq!(log::dropped("X"), "[SERVER] User 'X' dropped: not reading");
    }
}
