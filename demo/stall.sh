#!/usr/bin/env bash
# `make demo-stall`: three rooms side by side, each with a client that stops reading while others
# talk: the Go original (go/server), its line-for-line Rust mirror (steps/, step 1) and ours
# (src/). The first two are one design in two languages and freeze alike; ours drops the sleeper
# and carries on. The story (stall-story.sh, in the bottom pane) drives the three rooms alike, and
# within a minute ends on its lesson: Sarah's count in each room. Sleepy stays asleep until
# `make demo-stop`, so the frozen rooms stay frozen on the last screen.
#
# The layout, one column per room, the story across the bottom, laid out for the terminal that
# starts it (80x24 at least: a laptop, a projector):
#
#   | Go original    | Rust mirror    | ours           |   SERVER_ROWS each
#   | Sarah (go)     | Sarah (mirror) | Sarah (ours)   |   the rest
#   | what is happening                                |   STORY_ROWS: the three counts
#
# Panes are addressed by their id (`%3`), never by index: tmux renumbers the indexes after
# every split, so `stall:stall.1` names a different pane from one split to the next.
set -euo pipefail
cd "$(dirname "$0")/.."
. demo/common.sh
demo_check
read -r columns rows < <(demo_size)
demo_check_size "$columns" "$rows" 80 24
GO_BIN=${GO_BIN:-target/go}
if [ ! -x "$GO_BIN/go-server" ]; then
  echo "demo: needs the Go original built in $GO_BIN (make demo-stall builds it; it needs Go: apt-get install -y golang-go)" >&2
  exit 1
fi
if [ ! -x "$BIN/step1-server" ]; then
  echo "demo: needs the Rust mirror built in $BIN (make demo-stall builds it; or: cargo build --release -p steps)" >&2
  exit 1
fi

# Rows of each server's pane (its log: the banner, the joins, ours' drop) and of the story's (its
# last lines are the three counts and how to end the demo); Sarah's panes get the rest.
SERVER_ROWS=5
STORY_ROWS=5

# Each room: its name, its server's title (short enough for a third of 80 columns), and the
# command that starts it on a port. The Go original and the mirror take a port, not port 0, so the
# script picks a free one for them. Indexed arrays only: macOS's bash 3.2 has no `declare -A`.
rooms=(go mirror ours)
title_of() {
  case $1 in
    go) echo "Go original: go/server" ;;
    mirror) echo "Rust mirror: steps/1-mirror" ;;
    ours) echo "ours: src/ (drops Sleepy)" ;;
  esac
}
# The command that starts ROOM's server on PORT. Every room without flood control, to compare
# like with like: the story floods on purpose. Ours holds up to 32 MiB for a member that is
# behind but reading (Sarah, printing Ahmed's 20 MB on a busy machine), so that only the rule
# this demo is about drops anyone: a socket that takes nothing for 2 s (`--write-timeout`).
server_command() {
  case $1 in
    go) echo "$GO_BIN/go-server -port $2" ;;
    mirror) echo "$BIN/step1-server -port $2" ;;
    ours) echo "$BIN/server --max-rate 0 --max-backlog 33554432 --addr 127.0.0.1:$2" ;;
  esac
}

# Starts a pane running COMMAND (new-session or split-window, with ARGS), titles it, and prints
# its id.
demo_pane() {
  local pane_title=$1 command=$2 id
  shift 2
  id=$(demo_tmux "$@" -P -F '#{pane_id}' "$command")
  demo_tmux select-pane -t "$id" -T "$pane_title"
  echo "$id"
}

# The three servers, left to right, room i's port in ports[i] and its pane in server_panes[i]:
# the first pane is the whole window (one row less than the terminal: the status line takes the
# last), the second takes two thirds of it, the third half of those.
ports=()
server_panes=()
for i in 0 1 2; do
  room=${rooms[$i]}
  ports[$i]=$(demo_free_port)
  command="$(server_command "$room" "${ports[$i]}") 2>&1 | tee $DEMO_DIR/$room-server.log"
  case $room in
    go) split=(new-session -d -s stall -x "$columns" -y "$((rows - 1))" -n stall) ;;
    mirror) split=(split-window -h -l 67% -t "${server_panes[0]}") ;;
    ours) split=(split-window -h -l 50% -t "${server_panes[1]}") ;;
  esac
  server_panes[$i]=$(demo_pane "$(title_of "$room")" "$command" "${split[@]}")
done
for room in "${rooms[@]}"; do
  demo_port_of "$DEMO_DIR/$room-server.log" >/dev/null
done

# The story across the bottom, full width; it starts once Sarah has joined every room.
story=$(demo_pane "what is happening" "sleep 3600" split-window -v -f -l "$STORY_ROWS" -t "${server_panes[0]}")

# Sarah's view of each room, below its server, Ahmed's flood filtered out so that Omar's lines
# stand out.
for i in 0 1 2; do
  room=${rooms[$i]}
  demo_pane "Sarah, $room room: Omar?" \
    "$BIN/client --addr 127.0.0.1:${ports[$i]} --id Sarah --color never | grep --line-buffered -v '^\[Ahmed\]' | tee $DEMO_DIR/sarah-$room.log" \
    split-window -v -t "${server_panes[$i]}" >/dev/null
  demo_wait_for "$DEMO_DIR/sarah-$room.log" "No other users\|Current users" >/dev/null
done
demo_tmux resize-pane -t "$story" -y "$STORY_ROWS"
for pane in "${server_panes[@]}"; do demo_tmux resize-pane -t "$pane" -y "$SERVER_ROWS"; done
# The story ends on its counts and then waits, with Sleepy still asleep, until `make demo-stop`.
demo_tmux respawn-pane -k -t "$story" \
  "demo/stall-story.sh $DEMO_DIR ${ports[0]} ${ports[1]} ${ports[2]}"
demo_decorate "Ctrl-B d detaches; make demo-stop ends it "
demo_attach
