#!/usr/bin/env bash
# The story of `make demo-stall`, told in the three rooms at once: Omar talks once a second,
# Sleepy joins and stops reading, Ahmed pastes 20 MB. Then it counts what Sarah saw in each room.
# Bounded: every client it starts ends within 40 seconds, and it stops them all on its way out.
#   usage: demo/stall-story.sh LOG_DIR GO_PORT MIRROR_PORT OUR_PORT
# (Sarah's view of room R is LOG_DIR/sarah-R.log, written by stall.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
declare -A port=([go]=$2 [mirror]=$3 [ours]=$4)
rooms=(go mirror ours)
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

say "Omar joins the three rooms and says a numbered line every second."
for room in "${rooms[@]}"; do omar | client "${port[$room]}" Omar >/dev/null & done
sleep 3
say "Sleepy joins the three rooms, and stops reading."
for room in "${rooms[@]}"; do sleepy "${port[$room]}" & done
sleep 2
say "Ahmed pastes 20 MB into the three rooms (Sarah's panes hide his lines)."
for room in "${rooms[@]}"; do ahmed "${port[$room]}" & done
say "Watch Sarah: in the Go and mirror rooms Omar stops once Sleepy's buffers are full;"
say "ours drops Sleepy."
# Omar's 30 seconds, then 2 more for his last line to arrive where it still can.
sleep 25
say "Omar says his last lines."
sleep 2
# On a busy machine his last lines may still be on their way: wait while any room's count still
# grows (at most 10 s more). A frozen room's count does not move, so it never holds this up.
seen() { grep -c "^\[Omar\]" "$dir/sarah-$1.log" || true; }
counts() { for room in "${rooms[@]}"; do seen "$room"; done | tr '\n' ' '; }
before=$(counts)
for _ in $(seq 10); do
  sleep 1
  now=$(counts)
  [ "$now" = "$before" ] && break
  before=$now
done
for room in "${rooms[@]}"; do
  say "$room room: Sarah saw $(seen "$room") of Omar's 30 lines."
done
