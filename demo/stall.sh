#!/usr/bin/env bash
# `make demo-stall`: three rooms side by side, each with a client that stops reading while others
# talk: the Go original (go/server), its line-for-line Rust mirror (steps/, step 1) and ours
# (src/). The first two are one design in two languages and freeze alike; ours drops the sleeper
# and carries on. The story (stall-story.sh, in the bottom pane) drives the three rooms alike and
# ends by itself within a minute.
#
# The layout, one column per room, the story across the bottom:
#
#   | Go original    | Rust mirror    | ours           |
#   | Sarah (go)     | Sarah (mirror) | Sarah (ours)   |
#   | what is happening                                |
#
# Panes are addressed by their id (`%3`), never by index: tmux renumbers the indexes after
# every split, so `stall:stall.1` names a different pane from one split to the next.
set -euo pipefail
cd "$(dirname "$0")/.."
. demo/common.sh
demo_check
GO_BIN=${GO_BIN:-target/go}
if [ ! -x "$GO_BIN/go-server" ]; then
  echo "demo: needs the Go original built in $GO_BIN (make demo-stall builds it; it needs Go: apt-get install -y golang-go)" >&2
  exit 1
fi
if [ ! -x "$BIN/step1-server" ]; then
  echo "demo: needs the Rust mirror built in $BIN (make demo-stall builds it; or: cargo build --release -p steps)" >&2
  exit 1
fi

# Each room: its name, its server's title, and the command that starts it on port $port. The Go
# original and the mirror take a port, not port 0, so the script picks a free one for them.
rooms=(go mirror ours)
declare -A title=(
  [go]="Go original: go/server/server.go"
  [mirror]="Rust mirror: steps/ (step 1, same design as Go)"
  [ours]="ours: src/ (send queues; drops a reader stuck for 2 s)"
)
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

# The three servers, left to right: the first pane is the whole window, the second takes two
# thirds of it, the third half of those.
declare -A server_pane port
for room in "${rooms[@]}"; do
  port[$room]=$(demo_free_port)
  command="$(server_command "$room" "${port[$room]}") 2>&1 | tee $DEMO_DIR/$room-server.log"
  case $room in
    go) split=(new-session -d -s stall -x 200 -y 50 -n stall) ;;
    mirror) split=(split-window -h -l 67% -t "${server_pane[go]}") ;;
    ours) split=(split-window -h -l 50% -t "${server_pane[mirror]}") ;;
  esac
  server_pane[$room]=$(demo_pane "${title[$room]}" "$command" "${split[@]}")
done
for room in "${rooms[@]}"; do
  demo_port_of "$DEMO_DIR/$room-server.log" >/dev/null
done

# The story across the bottom, full width; it starts once Sarah has joined every room.
story=$(demo_pane "what is happening" "sleep 3600" split-window -v -f -l 12 -t "${server_pane[go]}")

# Sarah's view of each room, below its server, Ahmed's flood filtered out so that Omar's lines
# stand out.
for room in "${rooms[@]}"; do
  demo_pane "Sarah in the $room room: does Omar get through?" \
    "$BIN/client --addr 127.0.0.1:${port[$room]} --id Sarah --color never | grep --line-buffered -v '^\[Ahmed\]' | tee $DEMO_DIR/sarah-$room.log" \
    split-window -v -t "${server_pane[$room]}" >/dev/null
  demo_wait_for "$DEMO_DIR/sarah-$room.log" "No other users\|Current users" >/dev/null
done
demo_tmux respawn-pane -k -t "$story" \
  "demo/stall-story.sh $DEMO_DIR ${port[go]} ${port[mirror]} ${port[ours]}; echo; echo 'The demo is over: make demo-stop closes it.'; sleep 3600"
demo_decorate "Ctrl-B d to detach; make demo-stop ends it "
demo_attach
