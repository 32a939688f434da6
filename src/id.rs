//! User IDs: which names may join, and when two names are the same name.
//!
//! Go counterpart: none. The original keys its map by the ID exactly as sent, so `Ahmed`, `AHMED`
//! and `Аhmed` (Cyrillic `А`) are three users, and any byte sequence, escape codes included, is a
//! name. Here an ID is checked and compared with Unicode's own rules, through maintained crates
//! rather than hand-made tables:
//!
//! - **Normalised first.** The ID is put in NFC (`unicode-normalization`), so `Zoë` typed as `e` +
//!   U+0308 COMBINING DIAERESIS is the same ID as the precomposed `ë`, and is shown composed.
//! - **Every script's names join.** An ID character is what Unicode's identifier rules allow
//!   (UAX #31 `XID_Continue`, from `unicode-ident`) plus `_`, `-` and `.`. That includes combining
//!   marks, so `प्रिया` (a virama) and `தமிழ்` join. Invisible characters that `XID_Continue` lets
//!   through (U+3164 HANGUL FILLER, variation selectors, U+200D ZERO WIDTH JOINER) are refused,
//!   and an ID may not start with a mark, which would draw over the `[` before it.
//! - **Look-alikes are one ID.** IDs are compared by the UTS #39 skeleton (`unicode-security`) of
//!   their case-folded form (`caseless`), so `Ahmed`, `AHMED`, `Аhmed` and `ＡＨＭＥＤ` collide.
//! - **A refused character is named, not echoed**, as `U+0301 COMBINING ACUTE ACCENT` when it is a
//!   mark, invisible or a control (`unicode_names2`), so the reason never draws a mark over a quote
//!   or sends a terminal an escape code.

use crate::protocol::{is_invisible, is_stripped};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// IDs nobody may take, nor anything that looks like them ([`key`]): the client shows a user's
/// own lines as `[you]`, and the server's log and notices speak as `SERVER`. Without this, a user
/// named `you` writes lines that read like the reader's own, and one named `SERVER` like notices.
pub const RESERVED: [&str; 2] = ["You", "SERVER"];

/// The longest ID, in characters after normalisation. A bound keeps the user list and every
/// message prefix short enough to read on one terminal line.
pub const MAX_ID_CHARS: usize = 32;

/// Why an ID was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdRejection {
    Empty,
    TooLong,
    BadCharacter(char),
    /// A combining mark with no letter before it to sit on.
    StartsWithMark(char),
    /// The ID is held by someone, spelt the same up to case (the holder's spelling).
    Taken(String),
    /// The ID looks like one that is held: the wanted spelling, then the holder's.
    LooksLike {
        wanted: String,
        holder: String,
    },
    /// The ID looks like one of [`RESERVED`] (the wanted spelling).
    Reserved(String),
}

impl IdRejection {
    /// The line sent to the client.
    pub fn line(&self) -> String {
        match self {
            IdRejection::Empty => format!("ID rejected: it is empty; {}", rule()),
            IdRejection::TooLong => format!(
                "ID rejected: it is longer than {MAX_ID_CHARS} characters; {}",
                rule()
            ),
            IdRejection::BadCharacter(c) => format!(
                "ID rejected: {} is not allowed; use only letters, digits, '_', '-' or '.'",
                describe_char(*c)
            ),
            IdRejection::StartsWithMark(c) => format!(
                "ID rejected: it starts with {}, a mark that must follow a letter; {}",
                describe_char(*c),
                rule()
            ),
            IdRejection::Taken(holder) => format!("ID '{holder}' is already taken"),
            IdRejection::LooksLike { wanted, holder } => {
                format!("ID '{wanted}' is already taken (it looks like '{holder}')")
            }
            IdRejection::Reserved(wanted) => format!(
                "ID rejected: '{wanted}' is reserved, so that nobody's lines read like your own or \
                 the server's; choose another"
            ),
        }
    }
}

/// The rule, as every rejection states it, so a person at `nc` can fix the ID without reading
/// any documentation.
fn rule() -> String {
    format!("use 1 to {MAX_ID_CHARS} letters, digits, '_', '-' or '.'")
}

/// Checks an ID as the client sent it (after trimming surrounding whitespace) against the
/// character and length rules, and returns it in NFC, the form in which it is shown.
/// Uniqueness is the room's business (see [`key`]).
pub fn validate(raw: &str) -> Result<String, IdRejection> {
    let id: String = raw.nfc().collect();
    let Some(first) = id.chars().next() else {
        return Err(IdRejection::Empty);
    };
    if let Some(bad) = id.chars().find(|&c| !is_id_char(c)) {
        return Err(IdRejection::BadCharacter(bad));
    }
    if is_combining_mark(first) {
        return Err(IdRejection::StartsWithMark(first));
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(IdRejection::TooLong);
    }
    if is_reserved(&id) {
        return Err(IdRejection::Reserved(id));
    }
    Ok(id)
}

/// The key under which an ID is unique: two IDs with the same key look alike. It is the UTS #39
/// skeleton of the case-folded ID, taken twice: a few skeletons contain capitals (`0` becomes
/// `O`), so folding and skeletonising once more makes `0mar` collide with `Omar` as well.
///
/// NOTE: folding comes first, so `Il` (capital i) becomes `il` and does not collide with `ll`,
/// although the two can look the same in a sans-serif font; the skeleton keeps `i` apart from `l`.
pub fn key(id: &str) -> String {
    skeleton_of_folded(&skeleton_of_folded(id))
}

/// Whether `id` looks like one of the [`RESERVED`] IDs.
fn is_reserved(id: &str) -> bool {
    let wanted = key(id);
    RESERVED.iter().any(|reserved| key(reserved) == wanted)
}

/// Whether `a` and `b` are the same spelling up to case, so a rejection need not say "looks like".
pub fn same_up_to_case(a: &str, b: &str) -> bool {
    caseless::default_caseless_match_str(a, b)
}

fn skeleton_of_folded(id: &str) -> String {
    unicode_security::skeleton(&caseless::default_case_fold_str(id)).collect()
}

fn is_id_char(c: char) -> bool {
    matches!(c, '_' | '-' | '.') || (unicode_ident::is_xid_continue(c) && !is_invisible(c))
}

/// Names a character for an error message: a visible one quoted, the rest as `U+XXXX` and its
/// Unicode name, so a mark, an invisible or a terminal-controlling character is never echoed raw.
pub fn describe_char(c: char) -> String {
    let hidden = c.is_whitespace()
        || is_stripped(c)
        || is_invisible(c)
        || is_combining_mark(c)
        || c == char::REPLACEMENT_CHARACTER;
    match unicode_names2::name(c) {
        Some(name) if hidden => format!("U+{:04X} {name}", c as u32),
        Some(_) => format!("'{c}'"),
        None if c.is_control() => format!("U+{:04X} (a control character)", c as u32),
        None => format!("U+{:04X} (an unassigned or private character)", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_script_and_three_marks() {
        for id in [
            "Ahmed",
            "omar_1",
            "s-a.r",
            "Łukasz",
            "محمد",
            "名前",
            "x",
            "प्रिया",
            "தமிழ்",
            "أحمد",
            "José",
        ] {
            assert_eq!(validate(id), Ok(id.to_string()), "{id}");
        }
    }

    #[test]
    fn normalises_to_nfc() {
        assert_eq!(validate("Zoe\u{308}"), Ok("Zo\u{eb}".to_string()));
        assert_eq!(validate("Jose\u{301}"), Ok("Jos\u{e9}".to_string()));
    }

    #[test]
    fn rejects_empty_long_and_odd_ids_with_the_rule() {
        assert_eq!(validate(""), Err(IdRejection::Empty));
        assert_eq!(validate(&"a".repeat(33)), Err(IdRejection::TooLong));
        assert_eq!(validate(&"é".repeat(32)), Ok("é".repeat(32)));
        assert_eq!(validate("a b"), Err(IdRejection::BadCharacter(' ')));
        assert_eq!(validate("[x]"), Err(IdRejection::BadCharacter('[')));
        for invisible in ['\u{202E}', '\u{3164}', '\u{FE0F}', '\u{200D}', '\u{AD}'] {
            let id = format!("a{invisible}b");
            assert_eq!(validate(&id), Err(IdRejection::BadCharacter(invisible)));
        }
        assert_eq!(
            validate("\u{301}abc"),
            Err(IdRejection::StartsWithMark('\u{301}'))
        );
    }

    #[test]
    fn reserved_ids_and_their_look_alikes_are_refused_with_the_reason() {
        for id in [
            "You",
            "you",
            "YOU",
            "Y\u{43E}u",
            "SERVER",
            "server",
            "\u{405}ERVER",
            "Server",
        ] {
            assert_eq!(
                validate(id),
                Err(IdRejection::Reserved(id.to_string())),
                "{id}"
            );
        }
        for id in ["Youssef", "Yousra", "Servers", "Yu"] {
            assert_eq!(validate(id), Ok(id.to_string()), "{id}");
        }
        assert_eq!(
            IdRejection::Reserved("you".into()).line(),
            "ID rejected: 'you' is reserved, so that nobody's lines read like your own or the \
             server's; choose another"
        );
    }

    #[test]
    fn names_marks_invisibles_and_controls_and_quotes_the_rest() {
        assert_eq!(describe_char('['), "'['");
        assert_eq!(describe_char('\u{301}'), "U+0301 COMBINING ACUTE ACCENT");
        assert_eq!(describe_char('\u{3164}'), "U+3164 HANGUL FILLER");
        assert_eq!(describe_char(' '), "U+0020 SPACE");
        assert_eq!(describe_char('\u{1b}'), "U+001B (a control character)");
        let line = IdRejection::BadCharacter('\u{20DD}').line();
        assert_eq!(
            line,
            "ID rejected: U+20DD COMBINING ENCLOSING CIRCLE is not allowed; use only letters, digits, '_', '-' or '.'"
        );
    }

    #[test]
    fn look_alikes_share_a_key() {
        for (a, b) in [
            ("Ahmed", "AHMED"),
            ("Ahmed", "\u{410}hmed"),
            ("Ahmed", "ＡＨＭＥＤ"),
            ("Zo\u{eb}", "ZO\u{cb}"),
            ("l1", "ll"),
            ("0mar", "Omar"),
            ("straße", "STRASSE"),
        ] {
            assert_eq!(key(a), key(b), "{a} and {b} must collide");
        }
    }

    #[test]
    fn different_names_keep_different_keys() {
        for (a, b) in [
            ("Anna", "Ana"),
            ("l1", "li"),
            ("José", "Jose"),
            ("Omar", "Omer"),
            ("Il", "ll"),
        ] {
            assert_ne!(key(a), key(b), "{a} and {b} must not collide");
        }
    }

    #[test]
    fn the_rejection_says_what_the_id_looks_like() {
        assert_eq!(
            IdRejection::Taken("Ahmed".into()).line(),
            "ID 'Ahmed' is already taken"
        );
        let looks_like = IdRejection::LooksLike {
            wanted: "\u{410}hmed".into(),
            holder: "Ahmed".into(),
        };
        assert_eq!(
            looks_like.line(),
            "ID '\u{410}hmed' is already taken (it looks like 'Ahmed')"
        );
        assert!(same_up_to_case("Ahmed", "AHMED"));
        assert!(!same_up_to_case("Ahmed", "\u{410}hmed"));
    }
}
