#!/usr/bin/env bash
# The runner behind `make bench-design`: each scenario against each server, each run against a
# fresh server on a free port, so that one run's backlog or teardown (10,000 leaves) never lands in
# the next one's numbers or peak RSS.
#
#   usage: loadgen/bench.sh OUT_DIR REPS "SCENARIOS" "SERVERS"
#   e.g.   loadgen/bench.sh target/release/bench-design 5 "classroom burst" "go mirror ours"
#
# The servers take turns within each scenario (go, mirror, ours, then the next scenario, then the
# next repetition), so all of them see the same minutes of a shared machine. Each run appends one
# JSON line to OUT_DIR/SERVER.jsonl and its latency curve to OUT_DIR/latencies.txt; each server's
# output is kept in OUT_DIR/SERVER-SCENARIO-REP.log. The caller prints the tables.
#
# The scenarios are the four of `make bench` (the Makefile's recipe) that the language/design
# comparison needs, with the same options; docs/performance.md describes them.
#
# Environment: BIN (our binaries and loadgen), GO_BIN (the Go original's), BENCH_SCALE (the scale
# scenario's clients), BENCH_NOFILE (the open-file limit it needs), BENCH_TIMEOUT (loadgen's
# bound on each phase: how long a frozen server is waited for).
set -uo pipefail
dir=$1 reps=$2 scenarios=$3 servers=$4
BIN=${BIN:-target/release}
GO_BIN=${GO_BIN:-target/go}
BENCH_SCALE=${BENCH_SCALE:-10000}
BENCH_NOFILE=${BENCH_NOFILE:-20000}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-60}

# The scale scenario holds 10,000 sockets in loadgen and as many in the server, each its own process.
ulimit -n "$BENCH_NOFILE" 2>/dev/null || echo "bench: cannot raise the open-file limit to \
$BENCH_NOFILE (hard limit $(ulimit -Hn)); the scale scenario will report failures; \
as root: ulimit -Hn $BENCH_NOFILE" >&2

scenario_options() {
  case $1 in
    classroom) echo --clients 50 --senders 50 --messages 100 --rate 20 ;;
    burst) echo --clients 100 --senders 10 --messages 2000 ;;
    scale) echo --clients "$BENCH_SCALE" --senders 1 --messages 100 --rate 10 ;;
    stall) echo --clients 50 --stalled 1 --senders 10 --messages 2000 --size 512 ;;
    *) echo "bench: no scenario named $1" >&2; exit 2 ;;
  esac
}

# The command that starts SERVER on PORT. Ours runs with pacing off (`--max-rate 0`): the
# scenarios send faster than any person, on purpose; loadgen connects from 127.0.0.1, which
# `--max-per-address` exempts by default. The Go original and its mirror take only a port.
server_command() {
  case $1 in
    ours) echo "$BIN/server --addr 127.0.0.1:$2 --max-clients $BENCH_NOFILE --max-rate 0" ;;
    go) echo "$GO_BIN/go-server -port $2" ;;
    mirror) echo "$BIN/step1-server -port $2" ;;
    # The mirror in tokio (steps/async, docs/threads-and-tasks.md), with its broadcast channel
    # of 4,096 messages, of Comprehensive Rust's 16...
    tasks) echo "$BIN/async-server -port $2" ;;
    tasks16) echo "$BIN/async-server -port $2 -capacity 16" ;;
    # ...or of 32,768, more than the burst scenario's 20,000 messages: no reader can lose one.
    tasks32k) echo "$BIN/async-server -port $2 -capacity 32768" ;;
    *) echo "bench: no server named $1" >&2; exit 2 ;;
  esac
}

# One run: a fresh SERVER, SCENARIO against it, the server stopped.
run() {
  local server=$1 scenario=$2 rep=$3 port pid log
  log=$dir/$server-$scenario-$rep.log
  port=$("$BIN/loadgen" --free-port) || exit 1
  # shellcheck disable=SC2046 # the command is words on purpose
  $(server_command "$server" "$port") >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -qs "Server running" "$log" && break; sleep 0.1; done
  echo "bench: $server: $scenario ($rep of $reps)" >&2
  # shellcheck disable=SC2046
  "$BIN/loadgen" --addr "127.0.0.1:$port" --server-pid "$pid" --server-name "$server" \
    --label "$scenario" --timeout "$BENCH_TIMEOUT" --json --latencies "$dir/latencies.txt" $(scenario_options "$scenario") \
    >>"$dir/$server.jsonl"
  kill "$pid"
  wait "$pid" 2>/dev/null
}

mkdir -p "$dir"
for rep in $(seq "$reps"); do
  for scenario in $scenarios; do
    for server in $servers; do run "$server" "$scenario" "$rep"; done
  done
done
