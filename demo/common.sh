# What both demos share; sourced by demo.sh and stall.sh, never run on its own.
#
# Each demo runs in a tmux server of its own (`tmux -L $DEMO_SOCKET`), so it never touches a
# session the user already has, and `make demo-stop` ends it without asking which one.

# The project's binaries, built by the Makefile before the script runs.
BIN=${BIN:-target/release}
# The demo's own tmux server; tests pass a name of their own.
DEMO_SOCKET=${DEMO_SOCKET:-realtime-chat-demo}
# Where each server's log is kept while the demo runs. Made here, unless given (tests give one of
# their own and remove it themselves), and removed on every way out: when this script ends with no
# demo left running (refused, failed, or every client has left), or, if the user detached, by
# `make demo-stop`, which finds it in the demo's tmux environment (see demo_attach).
if [ -z "${DEMO_DIR:-}" ]; then
  DEMO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/realtime-chat-demo.XXXXXX")
  trap 'demo_tmux has-session 2>/dev/null || rm -rf "$DEMO_DIR"' EXIT
fi

demo_tmux() { tmux -L "$DEMO_SOCKET" "$@"; }

# Stops with what to do when tmux is missing, or a demo is already running.
demo_check() {
  if ! command -v tmux >/dev/null; then
    echo "demo: needs tmux: apt-get install -y tmux (or brew install tmux)" >&2
    exit 1
  fi
  if demo_tmux has-session 2>/dev/null; then
    echo "demo: one is running already: tmux -L $DEMO_SOCKET attach, or make demo-stop" >&2
    exit 1
  fi
}

# Waits (at most 10 s) until FILE holds a line matching PATTERN, and prints that line.
demo_wait_for() {
  local file=$1 pattern=$2
  for _ in $(seq 100); do
    if grep -m1 -- "$pattern" "$file" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "demo: gave up waiting for '$pattern' in $file" >&2
  return 1
}

# A port nobody listens on right now, on 127.0.0.1: a few random tries, each a connect that must
# be refused. (The Go server takes a port, not port 0.)
demo_free_port() {
  local port
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "demo: found no free port" >&2
  return 1
}

# The port a server printed in its banner, `Server running on port 5000...`.
demo_port_of() {
  demo_wait_for "$1" "Server running on port" | sed 's/[^0-9]//g'
}

# Turns on pane titles (each pane says what it shows) and a status line saying how to leave.
demo_decorate() {
  demo_tmux set-option -g pane-border-status top
  demo_tmux set-option -g pane-border-format " #{pane_title} "
  demo_tmux set-option -g status-left-length 0
  demo_tmux set-option -g status-right-length 120
  demo_tmux set-option -g status-right "$1"
  demo_tmux set-option -g mouse on
}

# Attaches the user's terminal, or, with DEMO_DETACHED set (tests), leaves the demo running.
# Not `exec`: this script's exit trap must run when the user leaves. Ending the demo (every client
# left, or `make demo-stop` from another terminal) is a normal end, so it exits 0.
demo_attach() {
  demo_tmux set-environment -g DEMO_DIR "$DEMO_DIR"
  if [ -n "${DEMO_DETACHED:-}" ]; then
    echo "demo: running detached: tmux -L $DEMO_SOCKET attach"
  else
    local socket
    socket=$(demo_tmux display-message -p '#{socket_path}')
    tmux -L "$DEMO_SOCKET" attach || true
    # Ended while attached (every client left): tmux leaves its socket behind.
    demo_tmux has-session 2>/dev/null || rm -f "$socket"
  fi
}

# The size of the terminal the demo starts in, as `COLUMNS ROWS`: DEMO_SIZE (`100x30`) if given
# (tests, which have no terminal), else the terminal's own, else 200 by 50.
demo_size() {
  if [ -n "${DEMO_SIZE:-}" ]; then
    echo "${DEMO_SIZE%x*} ${DEMO_SIZE#*x}"
  elif size=$(stty size 2>/dev/null </dev/tty) && [ -n "$size" ]; then
    echo "${size#* } ${size% *}"
  else
    echo "200 50"
  fi
}

# Stops with what to do when the terminal is smaller than COLUMNS by ROWS, the least a demo can be
# read in.
demo_check_size() {
  local columns=$1 rows=$2 least_columns=$3 least_rows=$4
  if [ "$columns" -lt "$least_columns" ] || [ "$rows" -lt "$least_rows" ]; then
    echo "demo: needs a terminal of at least ${least_columns}x${least_rows}; this one is \
${columns}x${rows}: enlarge the window or make the font smaller, then run it again" >&2
    exit 1
  fi
}

# Ends every session of the demo's tmux server (its attached terminal sees `[exited]` and exits 0,
# where killing the server would make it fail), then removes its log folder and socket.
demo_stop() {
  local dir socket
  if ! demo_tmux has-session 2>/dev/null; then
    echo "no demo running"
    return 0
  fi
  dir=$(demo_tmux show-environment -g DEMO_DIR 2>/dev/null | sed -n 's/^DEMO_DIR=//p')
  socket=$(demo_tmux display-message -p '#{socket_path}')
  for session in $(demo_tmux list-sessions -F '#{session_name}'); do
    demo_tmux kill-session -t "$session"
  done
  rm -f "$socket"
  case $dir in */realtime-chat-demo.*) rm -rf "$dir" ;; esac
  echo "demo stopped"
}
