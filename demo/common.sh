# What both demos share; sourced by demo.sh and stall.sh, never run on its own.
#
# Each demo runs in a tmux server of its own (`tmux -L $DEMO_SOCKET`), so it never touches a
# session the user already has, and `make demo-stop` ends it without asking which one.

# The project's binaries, built by the Makefile before the script runs.
BIN=${BIN:-target/release}
# The demo's own tmux server; tests pass a name of their own.
DEMO_SOCKET=${DEMO_SOCKET:-realtime-chat-demo}
# Where each server's log is kept while the demo runs.
DEMO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/realtime-chat-demo.XXXXXX")

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
demo_attach() {
  if [ -n "${DEMO_DETACHED:-}" ]; then
    echo "demo: running detached: tmux -L $DEMO_SOCKET attach"
  else
    exec tmux -L "$DEMO_SOCKET" attach
  fi
}
