#!/usr/bin/env bash
# `make demo-stall`: the Go original and ours side by side, each with a client that stops reading
# while others talk. One room freezes; the other drops the sleeper and carries on. The story
# (stall-story.sh, in the bottom pane) drives both rooms alike and ends by itself within a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
. demo/common.sh
demo_check
GO_BIN=${GO_BIN:-target/go}
if [ ! -x "$GO_BIN/go-server" ]; then
  echo "demo: needs the Go original built in $GO_BIN (make demo-stall builds it; it needs Go: apt-get install -y golang-go)" >&2
  exit 1
fi

go_log=$DEMO_DIR/go-server.log
our_log=$DEMO_DIR/our-server.log
go_port=$(demo_free_port)
# Both rooms without flood control, to compare like with like: the story floods on purpose.
demo_tmux new-session -d -s stall -x 200 -y 50 -n stall \
  "$GO_BIN/go-server -port $go_port 2>&1 | tee $go_log"
demo_tmux select-pane -T "Go original: go/server/server.go"
demo_tmux split-window -h -t stall:stall \
  "$BIN/server --addr 127.0.0.1:0 --max-rate 0 2>&1 | tee $our_log"
demo_tmux select-pane -T "ours: src/ (send queues, --max-backlog 256 KiB)"
demo_port_of "$go_log" >/dev/null
our_port=$(demo_port_of "$our_log")

# Sarah's view of each room, Ahmed's flood filtered out so that Omar's lines stand out.
for room in go ours; do
  port=$go_port; pane=0
  [ "$room" = ours ] && port=$our_port && pane=1
  demo_tmux split-window -v -t "stall:stall.$pane" \
    "$BIN/client --addr 127.0.0.1:$port --id Sarah --color never | grep --line-buffered -v '^\[Ahmed\]' | tee $DEMO_DIR/sarah-$room.log"
  demo_tmux select-pane -T "Sarah in the $room room: does Omar get through?"
  demo_wait_for "$DEMO_DIR/sarah-$room.log" "No other users\|Current users" >/dev/null
done
demo_tmux split-window -v -f -l 12 -t stall:stall \
  "demo/stall-story.sh $go_port $our_port $DEMO_DIR; echo; echo 'The demo is over: make demo-stop closes it.'; sleep 3600"
demo_tmux select-pane -T "what is happening"
demo_decorate "Ctrl-B d to detach; make demo-stop ends it "
demo_attach
