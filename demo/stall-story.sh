#!/usr/bin/env bash
# The story of `make demo-stall`, told in the three rooms at once: Omar talks once a second,
# Sleepy joins and stops reading, Ahmed pastes 20 MB. Then it counts what Sarah saw in each room,
# and waits with Sleepy still asleep: were he to leave, the frozen rooms would catch up and the
# last screen would no longer show the lesson. `make demo-stop` ends it, and the story's exit stops
# every client it started.
#   usage: demo/stall-story.sh LOG_DIR GO_PORT MIRROR_PORT OUR_PORT
# (Sarah's view of room R is LOG_DIR/sarah-R.log, written by stall.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
# The rooms in the order of their ports; indexed arrays only (macOS's bash 3.2 has no `declare -A`).
rooms=(go mirror ours)
ports=("$2" "$3" "$4")
BIN=${BIN:-target/release}
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
say() { printf '%s  %s\n' "$(date +%T)" "$*"; }
client() { "$BIN/client" --addr "127.0.0.1:$1" --id "$2" --color never; }

# Omar: one numbered line a second, for 30 seconds.
omar() { for n in $(seq 30); do echo "Omar's line $n"; sleep 1; done; }
# Sleepy: joins, and never reads again. Its output goes into a pipe nobody empties, so once the
# pipe is full the client stops reading its socket, and the server's writes to it pile up. Both
# sleeps outlast any demo; the story's exit (make demo-stop) ends them.
sleepy() { sleep 86400 | client "$1" Sleepy | sleep 86400; }
# Ahmed: pastes 20,000 lines of 1,000 bytes, far more than Sleepy's socket buffers hold.
ahmed() { yes "$(printf '%01000d' 0)" | head -n 20000 | client "$1" Ahmed >/dev/null; }

say "Omar joins the three rooms and says a numbered line every second."
for port in "${ports[@]}"; do omar | client "$port" Omar >/dev/null & done
sleep 3
say "Sleepy joins the three rooms, and stops reading."
for port in "${ports[@]}"; do sleepy "$port" & done
sleep 2
say "Ahmed pastes 20 MB into the three rooms (Sarah's panes hide his lines)."
for port in "${ports[@]}"; do ahmed "$port" & done
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
# The lesson, in the story pane's last rows (stall.sh gives it room for these four lines).
for room in "${rooms[@]}"; do
  count=$(seen "$room")
  if [ "$count" -lt 30 ]; then verdict="frozen: Sleepy holds the room"; else verdict="all through"; fi
  echo "$room room: Sarah saw $count of Omar's 30 lines ($verdict)"
done
printf '%s' "Sleepy still sleeps in every room. make demo-stop ends the demo."
# Until make demo-stop: its hangup ends this script, and the trap above, Sleepy and the rest.
sleep 86400 &
wait $!
