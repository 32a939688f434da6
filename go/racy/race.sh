#!/usr/bin/env bash
# make go-race: builds go/racy (the Go original with one lock moved) with Go's race detector,
# drives three clients that join, talk and leave, and prints the detector's first report.
# Usage: go/racy/race.sh BIN_DIR. Exit 0 once a report is printed (or when Go is missing, after
# saying so); 1 if no race was reported after every round, or a build failed.
set -uo pipefail
bin=${1:?usage: race.sh BIN_DIR}
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null; then
  echo "go-race: skipped: go not installed (apt-get install -y golang-go)"
  exit 0
fi
mkdir -p "$bin"
# The race detector needs cgo, so a C compiler; Debian's golang-go recommends gcc.
if ! GOPROXY=off go build -race -o "$bin/go-racy" ./racy; then
  echo "go-race: building with -race failed; it needs cgo and a C compiler (apt-get install -y gcc)" >&2
  exit 1
fi
GOPROXY=off go build -o "$bin/go-client" ./client || exit 1

log=$bin/go-racy.log
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null' EXIT
# A free port: try a few at random; the server's first line says whether it could listen.
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  "$bin/go-racy" -port "$port" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 50); do grep -qs "^Server running\|^Error starting" "$log" && break; sleep 0.1; done
  grep -qs "^Server running" "$log" && break
  wait "$server" 2>/dev/null; server=""
done
[ -n "$server" ] || { echo "go-race: the racy server found no free port" >&2; exit 1; }
echo "go-race: go/racy/server.go runs on port $port, built with -race; three clients join, talk and leave"

# One client: joins as $1, says hello, and leaves at the end of its input.
client() { printf '%s\nhello from %s\n' "$1" "$1" | "$bin/go-client" -addr "127.0.0.1:$port" >/dev/null 2>&1; }
for round in $(seq 20); do
  pids=()
  for id in Sarah Omar Ahmed; do client "$id" & pids+=($!); done
  wait "${pids[@]}"
  if grep -q "WARNING: DATA RACE" "$log"; then
    echo "go-race: round $round: the race detector's report (the server goes on running):"
    # The report is the first block between two lines of '='.
    awk '/^==================$/ { n++; print; if (n == 2) exit; next } n == 1' "$log"
    exit 0
  fi
done
echo "go-race: no race reported in 20 rounds; the server's output:" >&2
cat "$log" >&2
exit 1
