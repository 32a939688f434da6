//! Where the client stands in the conversation, and what a typed line means there.
//!
//! Go counterpart: none; the original client forwards bytes and knows nothing of the protocol.
//! Ours knows just enough to draw the right prompt: while choosing an ID, a typed line is an ID
//! (shown as typed after `Enter your ID: `); once the server has sent the user list, a typed line
//! is a message, echoed as `[you] > text`, or a command, sent as typed. Both rules are read off
//! [`crate::protocol`], so client and server cannot drift apart.

use crate::protocol::{self, Request};

/// The two stages of a connection, as the client sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// From connecting until the server accepts an ID. The first line the client sends is always
    /// an ID, so this is also where a connection starts.
    ChoosingId,
    /// From the user list on.
    Chatting,
}

/// Follows the server's lines: its ID prompt starts (or restarts) the ID phase, and the user list
/// ends it. Every other line leaves the phase as it was.
pub fn next_phase(phase: Phase, server_line: &str) -> Phase {
    if server_line == protocol::ID_PROMPT {
        Phase::ChoosingId
    } else if is_welcome(server_line) {
        Phase::Chatting
    } else {
        phase
    }
}

/// True for the line a newcomer receives on joining: the others in the room, or nobody.
pub fn is_welcome(server_line: &str) -> bool {
    server_line.starts_with(protocol::CURRENT_USERS_PREFIX)
        || server_line == protocol::current_users_line(&[])
}

/// What a line the user typed means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// An answer to `Enter your ID:`.
    Id,
    /// A chat message, with the text the others will see (`//x` is sent as `/x`).
    Message(String),
    /// `/users`, `/help` or an unknown command: the server answers.
    Command,
    /// A line of nothing but spaces, which the server drops.
    Blank,
    /// `/quit`, in either phase: the user leaves.
    Quit,
}

/// Reads a typed line the way the server will: sanitized, then parsed as a request.
pub fn classify_typed(phase: Phase, raw: &[u8]) -> Typed {
    let request = protocol::parse_request(&protocol::sanitize(raw));
    match (phase, request) {
        (_, Request::Quit) => Typed::Quit,
        (Phase::ChoosingId, _) => Typed::Id,
        (Phase::Chatting, Request::Say(text)) => Typed::Message(text),
        (Phase::Chatting, Request::Nothing) => Typed::Blank,
        (Phase::Chatting, Request::Users | Request::Help | Request::Unknown(_)) => Typed::Command,
    }
}

/// True for `/quit` (in any case, with anything after it): the one line the client does not
/// forward, because ending the stream says the same and also works before an ID is chosen.
pub fn is_quit(raw: &[u8]) -> bool {
    classify_typed(Phase::ChoosingId, raw) == Typed::Quit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::IdRejection;

    #[test]
    fn the_user_list_ends_the_id_phase_and_a_prompt_restarts_it() {
        let welcomes = [
            protocol::current_users_line(&[]),
            protocol::current_users_line(&["Omar", "Sarah"]),
        ];
        for welcome in &welcomes {
            assert_eq!(next_phase(Phase::ChoosingId, welcome), Phase::Chatting);
        }
        let rejection = IdRejection::Taken("Omar".into()).line();
        assert_eq!(next_phase(Phase::ChoosingId, &rejection), Phase::ChoosingId);
        assert_eq!(
            next_phase(Phase::Chatting, protocol::ID_PROMPT),
            Phase::ChoosingId
        );
        assert_eq!(next_phase(Phase::Chatting, "[Omar]: hi"), Phase::Chatting);
    }

    #[test]
    fn other_lists_and_messages_are_not_welcomes() {
        assert!(!is_welcome(&protocol::users_line(&["Ahmed", "Omar"])));
        assert!(!is_welcome("[Omar]: ** Current users in chat: x **"));
    }

    #[test]
    fn typed_lines_mean_what_the_server_will_make_of_them() {
        assert_eq!(classify_typed(Phase::ChoosingId, b"Ahmed"), Typed::Id);
        assert_eq!(classify_typed(Phase::ChoosingId, b"/users"), Typed::Id);
        assert_eq!(classify_typed(Phase::ChoosingId, b"/quit"), Typed::Quit);
        let chatting = |raw: &[u8]| classify_typed(Phase::Chatting, raw);
        assert_eq!(chatting(b"Hello!"), Typed::Message("Hello!".into()));
        assert_eq!(chatting(b"//path"), Typed::Message("/path".into()));
        assert_eq!(chatting(b"a\x1b[31mb"), Typed::Message("a[31mb".into()));
        assert_eq!(chatting(b"/users"), Typed::Command);
        assert_eq!(chatting(b"/nope"), Typed::Command);
        assert_eq!(chatting(b"  "), Typed::Blank);
        assert_eq!(chatting(b"/QUIT now"), Typed::Quit);
        assert!(is_quit(b"/quit") && !is_quit(b"//quit") && !is_quit(b"quit"));
    }
}
