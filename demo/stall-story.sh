#!/usr/bin/env bash
# The story of `make demo-stall`, told in both rooms at once: Omar talks once a second, Sleepy
# joins and stops reading, Ahmed pastes 20 MB. Then it counts what Sarah saw. Bounded: every
# client it starts ends within 40 seconds, and it stops them all on its way out.
#   usage: demo/stall-story.sh GO_PORT OUR_PORT LOG_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
go_port=$1 our_port=$2 dir=$3
BIN=${BIN:-target/release}
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
say() { printf '%s  %s\n' "$(date +%T)" "$*"; }
client() { "$BIN/client" --addr "127.0.0.1:$1" --id "$2" --color never; }

# Omar: one numbered line a second, for 30 seconds.
omar() { for n in $(seq 30); do echo "Omar's line $n"; sleep 1; done; }
# Sleepy: joins, and never reads again. Its output goes into a pipe nobody empties, so once the
# pipe is full the client stops reading its socket, and the server's writes to it pile up.
sleepy() { sleep 40 | client "$1" Sleepy | sleep 40; }
# Ahmed: pastes 20,000 lines of 1,000 bytes, far more than Sleepy's socket buffers hold.
ahmed() { yes "$(printf '%01000d' 0)" | head -n 20000 | client "$1" Ahmed >/dev/null; }

say "Omar joins both rooms and says a numbered line every second."
for port in "$go_port" "$our_port"; do omar | client "$port" Omar >/dev/null & done
sleep 3
say "Sleepy joins both rooms, and stops reading."
for port in "$go_port" "$our_port"; do sleepy "$port" & done
sleep 2
say "Ahmed pastes 20 MB into both rooms (Sarah's panes hide his lines)."
for port in "$go_port" "$our_port"; do ahmed "$port" & done
say "Watch Sarah: in the Go room Omar stops once Sleepy's buffers are full; ours drops Sleepy."
sleep 27
for room in go ours; do
  got=$(grep -c "^\[Omar\]" "$dir/sarah-$room.log" || true)
  say "$room room: Sarah saw $got of Omar's 30 lines."
done
