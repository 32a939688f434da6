#!/usr/bin/env bash
# `make demo`: the server, traced, and three clients already joined as Ahmed, Omar and Sarah, in
# tmux panes side by side. Type in any client pane; the server pane shows each thread at work.
set -euo pipefail
cd "$(dirname "$0")/.."
. demo/common.sh
demo_check

log=$DEMO_DIR/server.log
demo_tmux new-session -d -s demo -x 200 -y 50 -n room \
  "$BIN/server --addr 127.0.0.1:0 --trace 2>&1 | tee $log"
demo_tmux select-pane -T "server --trace: the acceptor, one thread per client, the broadcaster"
port=$(demo_port_of "$log")

# One client at a time, each once the server has announced the one before, so the room's join
# order (and every user list) reads Ahmed, Omar, Sarah.
previous=server
for id in Ahmed Omar Sarah; do
  if [ "$previous" = server ]; then
    demo_tmux split-window -h -t demo:room "$BIN/client --addr 127.0.0.1:$port --id $id"
  else
    demo_tmux split-window -v -t demo:room "$BIN/client --addr 127.0.0.1:$port --id $id"
  fi
  demo_tmux select-pane -T "$id (type here; /quit leaves)"
  demo_wait_for "$log" "User '$id' joined" >/dev/null
  previous=$id
done
demo_tmux select-layout -t demo:room main-vertical
demo_decorate "leave: /quit in each client, or Ctrl-B d to detach; make demo-stop ends it "
demo_attach
