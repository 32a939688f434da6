#!/usr/bin/env bash
# `make demo`: the server, traced, and three clients already joined as Ahmed, Omar and Sarah, in
# tmux panes side by side. Type in any client pane; the server pane shows each thread at work.
# It ends when the last client has left (`/quit` in each), or with `make demo-stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
. demo/common.sh
demo_check

# Laid out for the terminal that starts it. Wide (a desktop, 160 columns and more): the traced
# server on the left, the clients stacked on the right. Narrower (a laptop, a projector): the server
# across the top, where its trace lines fit unwrapped, the clients side by side below. Below 80x24
# the panes are too small to read, and the script says so.
read -r columns rows < <(demo_size)
demo_check_size "$columns" "$rows" 80 24
if [ "$columns" -ge 160 ]; then layout=main-vertical; else layout=main-horizontal; fi

log=$DEMO_DIR/server.log
# One row less than the terminal: the status line takes the last.
demo_tmux new-session -d -s demo -x "$columns" -y "$((rows - 1))" -n room \
  "$BIN/server --addr 127.0.0.1:0 --trace 2>&1 | tee $log"
# The window follows the size it was made at, not the largest client's (tmux's default).
demo_tmux set-option -w -t demo:room window-size manual
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
# The server's pane gets half the window, across the top or down the left; across the top, at least
# the 16 rows that hold its banner and the trace of the three joins (the lesson's first steps).
demo_tmux set-option -w -t demo:room main-pane-width 50%
demo_tmux set-option -w -t demo:room main-pane-height "$(( rows / 2 > 16 ? rows / 2 : 16 ))"
demo_tmux select-layout -t demo:room "$layout"
# The demo ends when the last client has left: once a pane exits and only the server's is left,
# the session goes, and with it the server and the attached terminal.
demo_tmux set-hook -t demo pane-exited \
  "if-shell -F '#{==:#{window_panes},1}' 'kill-session -t demo'"
# Short enough for 80 columns, beside tmux's window list.
demo_decorate "/quit in each client ends it; Ctrl-B d detaches "
demo_attach
