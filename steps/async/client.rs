//! handle_client, one task per connection: the mirror's `handle_client` thread and its share of
//! the broadcaster's work in one.
//!
//! TASKS: a thread can wait for one thing at a time, so the mirror reads a client in its own
//! thread and writes to it from the broadcaster. A task waits for two with `tokio::select!`: the
//! client's next line, and the room's next message. This task is then the only one that writes
//! to its socket (the Go book's `clientWriter` rule, for free), and the user list can never be
//! overtaken.

use crate::room::{Message, Room};
use std::io;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader, Lines};
use tokio::net::TcpStream;
use tokio::net::tcp::ReadHalf;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

/// handle_client serves one client: its first line is its ID, every later line is a message for
/// everyone else, and every message of the others is written to it.
pub async fn handle_client(mut conn: TcpStream, room: Arc<Room>) {
    // Two halves of one socket, both used by this task only: no `Arc`, no lock.
    let (reader, mut writer) = conn.split();
    let _ = fprintln(&mut writer, "Enter your ID:").await;

    // NOTE: a line has no length limit: a line without end eats memory. A client that never
    // sends an ID keeps this task forever (a few KiB, not a thread).
    // GO: `next_line` ends the connection on bytes that are not UTF-8, where Go passes them on.
    let mut lines = BufReader::new(reader).lines();
    let Ok(Some(id)) = lines.next_line().await else {
        return;
    };
    let id = id.trim().to_string();

    // TASKS: the list of the others is dropped once written, at the end of this block. A
    // Rust value lives to the end of its scope, not to its last use: kept to the end of the
    // function, as the mirror keeps its `others`, every client would hold a copy of the room's
    // names, and 2,000 clients held 56 MB of them (measured with heaptrack).
    let mut inbox = {
        let (others, inbox) = room.join(&id);
        let list = format!("** Current users in chat: {} **", others.join(", "));
        let _ = fprintln(&mut writer, &list).await;
        inbox
    };
    println!("[SERVER] User '{id}' joined the chat");
    room.say(&id, format!("User {id} joined the chat"));

    chat(&id, &room, &mut lines, &mut writer, &mut inbox).await;

    room.leave(&id);
    println!("[SERVER] User '{id}' left the chat");
    room.say(&id, format!("User {id} left the chat"));
}

/// Until the client leaves or its socket fails: each of its lines goes to the room, each of the
/// room's messages (but its own) goes to it.
async fn chat(
    id: &str,
    room: &Room,
    lines: &mut Lines<BufReader<ReadHalf<'_>>>,
    writer: &mut (impl AsyncWrite + Unpin),
    inbox: &mut Receiver<Arc<Message>>,
) {
    loop {
        // Both branches are safe to cancel, as `select!` does to the one that loses:
        // `next_line` keeps a partial line for the next call, and `recv` takes nothing until it
        // returns.
        tokio::select! {
            line = lines.next_line() => match line {
                // NOTE: the text is forwarded as it came, escape codes included.
                Ok(Some(line)) => room.say(id, format!("[{id}]: {}", line.trim())),
                Ok(None) | Err(_) => return,
            },
            message = inbox.recv() => match message {
                Ok(message) if message.from == id => {}
                // NOTE: no write timeout: a client that stops reading blocks this write, and so
                // this task, forever; but only this one. The room goes on without it.
                Ok(message) => {
                    if fprintln(writer, &message.text).await.is_err() {
                        return;
                    }
                }
                // TASKS: the channel did not wait for this client; it kept only the newest
                // messages, and says how many this one has lost. NOTE: the client is not told.
                Err(RecvError::Lagged(lost)) => {
                    println!("[SERVER] User '{id}' lost {lost} messages: not reading");
                }
                Err(RecvError::Closed) => return, // The room is gone: the server is stopping.
            },
        }
    }
}

/// Go's `fmt.Fprintln(conn, text)`: the text and a newline, in one write.
async fn fprintln(writer: &mut (impl AsyncWrite + Unpin), text: &str) -> io::Result<()> {
    writer.write_all(format!("{text}\n").as_bytes()).await
}
