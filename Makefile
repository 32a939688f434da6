# The three commands a user needs, and the one CI runs (.ci/run calls `make test`).
ADDR ?= 127.0.0.1:5000
# More options for the program a target runs: `make server ARGS="--trace --max-clients 50"`,
# `make client ARGS="--id Ahmed"`. `make server ARGS=--help` lists them.
ARGS ?=

.PHONY: server client test bench bench-go bench-design go-server go-client go-race step step-client exercise solutions demo demo-stall demo-stop

# Build if needed (cargo shows progress), then run the binary itself rather than `cargo run`,
# so a demo terminal shows the chat and not cargo's "Running" line. The binaries stay in
# $(RELEASE) (target/release/server, target/release/client), to be run directly too.
RELEASE = $(or $(CARGO_TARGET_DIR),target)/release

server:
	@$(call build_once,--bin server)
	@$(RELEASE)/server --addr $(ADDR) $(ARGS)

client:
	@$(call build_once,--bin client)
	@$(RELEASE)/client --addr $(ADDR) $(ARGS)

# Several `make client` started at once (a classroom, three terminals) need the same build: the
# first to take the lock builds, the others wait for it without cargo's `Blocking waiting for
# file lock` lines, then find nothing left to do. flock(1) comes with util-linux; where it is
# missing (macOS), cargo's own lock does the same, only less quietly.
BUILD_LOCK = $(or $(CARGO_TARGET_DIR),target)/make-build.lock
build_once = mkdir -p $(dir $(BUILD_LOCK)) && \
	if command -v flock >/dev/null; then flock $(BUILD_LOCK) cargo build --release $(1); \
	else cargo build --release $(1); fi

# The Go original (go/), built into $(GO_BIN): the "before" of every lesson in the README. Its server
# takes only a port, and listens on every interface whatever ADDR's host says.
GO_BIN = $(abspath $(or $(CARGO_TARGET_DIR),target))/go
# Nothing to download: the Go original uses the standard library only, so no proxy is ever asked.
GO_BUILD = cd go && GOPROXY=off go build
# The first line of every Go target: without Go, say how to get it, and stop.
GO_CHECK = command -v go >/dev/null || { echo "$@: needs Go: apt-get install -y golang-go" >&2; exit 1; }

go-server:
	@$(GO_CHECK)
	@$(GO_BUILD) -o $(GO_BIN)/go-server ./server
	@$(GO_BIN)/go-server -port $(lastword $(subst :, ,$(ADDR))) $(ARGS)

go-client:
	@$(GO_CHECK)
	@$(GO_BUILD) -o $(GO_BIN)/go-client ./client
	@$(GO_BIN)/go-client -addr $(ADDR) $(ARGS)

# The race lab (docs/races.md): go/racy, the Go original with one lock moved, built with `-race`
# and driven by three clients until the detector prints its report. Without Go it says skipped.
go-race:
	@go/racy/race.sh $(GO_BIN)

# The course's steps (steps/, docs/steps.md), from the Go original in Rust (STEP=1) to hostile
# input (STEP=4). Like the Go server, a step's server takes only a port and listens on every
# interface. There is one client for every step (steps/1-mirror/client.rs): STEP is not needed.
STEP ?= 1
STEP_CHECK = case "$(STEP)" in 1|2|3|4) ;; *) echo "$@: STEP is 1, 2, 3 or 4 (see docs/steps.md)" >&2; exit 2;; esac

step:
	@$(STEP_CHECK)
	@cargo build --release -p steps --bin step$(STEP)-server
	@$(RELEASE)/step$(STEP)-server -port $(lastword $(subst :, ,$(ADDR)))

step-client:
	@cargo build --release -p steps --bin step1-client
	@$(RELEASE)/step1-client -addr $(ADDR)

# Live demos in tmux (demo/): `make demo` is a room of three with the server traced; `make
# demo-stall` is three rooms side by side, the Go original, its Rust mirror (steps/, step 1) and
# ours, each with a client that stops reading.
# Each runs in a tmux server of its own, so a user's own tmux sessions are never touched.
demo:
	@cargo build --release --bins
	@demo/demo.sh

demo-stall:
	@$(GO_CHECK)
	@cargo build --release --workspace --bins
	@$(GO_BUILD) -o $(GO_BIN)/go-server ./server
	@GO_BIN=$(GO_BIN) demo/stall.sh

demo-stop:
	@bash -c '. demo/common.sh && demo_stop'

# --workspace: the chat, the load generator beside it (loadgen/) and the course's steps (steps/)
# are checked alike.
test:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
	cargo test --workspace

# `make exercise N=3`: exercise 3's test (docs/exercises.md), ignored by `make test` until solved.
# An exercise is a numbered item of docs/exercises.md; those without a test in tests/exercises.rs
# are measurements (7, 8), and say so instead of running no test and printing `ok`.
exercise:
	@test -n "$(N)" || { echo "exercise: which one? make exercise N=3 (see docs/exercises.md)" >&2; exit 2; }
	@grep -q '^$(N)\. ' docs/exercises.md || { echo "exercise: there is no exercise $(N): \
	docs/exercises.md numbers them 1 to $$(grep -c '^[0-9][0-9]*\. ' docs/exercises.md)" >&2; exit 2; }
	@if grep -q 'fn exercise_$(N)_' tests/exercises.rs; then \
	  echo "cargo test --test exercises exercise_$(N)_ -- --ignored"; \
	  cargo test --test exercises exercise_$(N)_ -- --ignored; \
	else echo "exercise: exercise $(N) has no test: it is a measurement; check your numbers \
	against docs/solutions/answers.md"; fi

# Every model solution (docs/solutions/) makes its exercise's test pass, in a scratch copy of the
# repository; CI runs it after `make test`, which it would slow by minutes (one rebuild per patch).
solutions:
	.ci/solutions

# `make bench`: the thirteen load scenarios against our server (release build, a free port), printed
# as one table. `make bench-go` (or `make bench BENCH_GO=1`) runs them against the Go original too,
# with each scenario's ratio Go / ours. Each scenario gets a fresh server on a free port, so one
# scenario's backlog or teardown (10,000 leaves) never lands in the next one's numbers or peak RSS.
# `make bench SCENARIO=classroom` runs that one scenario only.
# Each run is kept as a JSON line in $(BENCH_DIR), each server's output in a .log beside it.
BENCH_BIN = $(RELEASE)
BENCH_DIR = $(BENCH_BIN)/bench
# The scale scenario holds 10,000 sockets in loadgen and as many in the server, each its own process.
BENCH_NOFILE = 20000
# The scale scenario's clients; `make bench BENCH_SCALE=500` is a quick rehearsal.
# pause, pause-lan and paste-lan are readers who are behind, not gone: each reader stops once for
# 0.3 s during a burst of 16,000 lines, or five senders paste 50 lines of 4 KB at once. The -lan ones
# run on a network of their own with Ethernet-sized segments (MTU 1500, `ip netns`, needs root;
# skipped otherwise): loopback's 64 KiB segments and megabyte buffers would hide what they test.
# loadgen's own clients connect from 127.0.0.1, which `--max-per-address` exempts by default.
BENCH_SCALE ?= 10000
# Our server's options for the speed scenarios: pacing off (`--max-rate 0`), since they send
# faster than any person on purpose, and room for the scale scenario's clients.
BENCH_FAST = --max-clients $(BENCH_NOFILE) --max-rate 0
# The attack scenarios (issue 24) run our server with its defaults instead, limits and pacing on
# (`tuning=` in the recipe): an attack is measured against the server as shipped.
# - trickle, trickle-120: 48 (or 120) members from 127.0.0.2-4 (or -9), 16 (15) per address, within
#   --max-per-address, read 4 KiB every 0.5 s, paste 4,000-byte lines at the paced rate, and come
#   back when dropped.
# - churn: 15 new members every 2 s paste 50 lines of 4,000 bytes and never read; then 15 s of
#   quiet, and the server's RSS again.
# Beside each attack, for its 30 s, the healthy room it is measured by: a talker at 2 lines a
# second and two readers, from 127.0.0.1.
BENCH_HEALTHY = --clients 3 --senders 1 --messages 60 --rate 2

BENCH_SCENARIOS = classroom classroom-lockstep burst scale stall stall-8 stall-200 pause pause-lan paste-lan \
	trickle trickle-120 churn

bench:
	@if [ -n "$(SCENARIO)" ] && ! echo " $(BENCH_SCENARIOS) " | grep -q " $(SCENARIO) "; then \
	  echo "bench: no scenario $(SCENARIO); try one of: $(BENCH_SCENARIOS)" >&2; exit 2; fi
	@if [ -n "$(BENCH_GO)" ]; then $(GO_CHECK); fi
	cargo build --release --workspace --bins
	@if [ -n "$(BENCH_GO)" ]; then $(GO_BUILD) -o $(GO_BIN)/go-server ./server; fi
	@mkdir -p $(BENCH_DIR) && rm -f $(BENCH_DIR)/*.jsonl $(BENCH_DIR)/*.log
	@ulimit -n $(BENCH_NOFILE) 2>/dev/null || echo "bench: cannot raise the open-file limit to \
	$(BENCH_NOFILE) (hard limit $$(ulimit -Hn)); the scale scenario will report failures; \
	as root: ulimit -Hn $(BENCH_NOFILE)" >&2; \
	scenario() { label=$$1; shift; [ -z "$(SCENARIO)" ] || [ "$$label" = "$(SCENARIO)" ] || return 0; \
	  log=$(BENCH_DIR)/$$name-$$label.log; \
	  port=$$($$inside $(BENCH_BIN)/loadgen --free-port) || exit 1; rm -f $$log; \
	  eval "exec $$inside $$command" > $$log 2>&1 & pid=$$!; \
	  for i in $$(seq 50); do grep -qs "Server running" $$log && break; sleep 0.1; done; \
	  echo "bench: $$name: $$label" >&2; \
	  $$inside $(BENCH_BIN)/loadgen --addr 127.0.0.1:$$port --server-pid $$pid --server-name $$name \
	    --label $$label --json $$extra "$$@" >> $(BENCH_DIR)/$$name.jsonl; \
	  kill $$pid; wait $$pid 2>/dev/null; }; \
	on_lan() { ns=realtime-chat-bench-$$$$; \
	  if ! ip netns add $$ns 2>/dev/null; then echo "bench: $$2: skipped: needs root for a network namespace" >&2; return 0; fi; \
	  ip -n $$ns link set lo up mtu 1500; inside="ip netns exec $$ns"; "$$@"; inside=; ip netns del $$ns; }; \
	serve() { name=$$1; command=$$2; extra=$$3; tuning='$(BENCH_FAST)'; \
	  scenario classroom --clients 50 --senders 50 --messages 100 --rate 20; \
	  scenario classroom-lockstep --clients 50 --senders 50 --messages 100 --rate 20 --lockstep; \
	  scenario burst --clients 100 --senders 10 --messages 2000; \
	  scenario scale --clients $(BENCH_SCALE) --senders 1 --messages 100 --rate 10; \
	  scenario stall --clients 50 --stalled 1 --senders 10 --messages 2000 --size 512; \
	  scenario stall-8 --clients 50 --stalled 8 --senders 10 --messages 2000 --size 512; \
	  scenario stall-200 --clients 2 --stalled 200 --senders 1 --messages 20000 --size 512; \
	  scenario pause --clients 25 --senders 1 --messages 16000 --size 512 --pause 0.3; \
	  on_lan scenario pause-lan --clients 25 --senders 1 --messages 16000 --size 512 --pause 0.3; \
	  on_lan scenario paste-lan --clients 30 --senders 5 --messages 50 --size 4000; \
	  tuning=; \
	  scenario trickle $(BENCH_HEALTHY) --trickle 48 --attack-from 127.0.0.2,127.0.0.3,127.0.0.4; \
	  scenario trickle-120 $(BENCH_HEALTHY) --trickle 120 \
	    --attack-from 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9; \
	  scenario churn $(BENCH_HEALTHY) --churn 15 --churn-every 2 --quiet 15; }; \
	serve ours '$(BENCH_BIN)/server --addr 127.0.0.1:$$port $$tuning'; \
	if [ -n "$(BENCH_GO)" ]; then \
	  serve go '$(GO_BIN)/go-server -port $$port'; \
	  $(BENCH_BIN)/loadgen --table $(BENCH_DIR)/ours.jsonl $(BENCH_DIR)/go.jsonl; \
	else $(BENCH_BIN)/loadgen --table $(BENCH_DIR)/ours.jsonl; fi

bench-go:
	@$(GO_CHECK)
	@$(MAKE) --no-print-directory bench BENCH_GO=1

# `make bench-design`: language against design (docs/performance.md). Three servers take turns
# in one sitting: the Go original, its line-for-line Rust mirror (steps/, step 1) and ours. The
# classroom and burst scenarios $(DESIGN_REPS) times each, scale and stall $(DESIGN_REPS_LONG)
# times (a frozen server is waited for up to the timeout); then three tables of medians with
# their spread: mirror / Go (the language), ours / mirror (the design), Go / ours (the headline),
# and the latency curves drawn into $(DESIGN_PICTURE). About 20 minutes on 2 cores.
DESIGN_DIR = $(BENCH_BIN)/bench-design
# The runner's settings: where the binaries are, and the scale scenario's size.
DESIGN_ENV = BIN=$(BENCH_BIN) GO_BIN=$(GO_BIN) BENCH_SCALE=$(BENCH_SCALE) BENCH_NOFILE=$(BENCH_NOFILE)
DESIGN_REPS ?= 5
DESIGN_REPS_LONG ?= 3
DESIGN_PICTURE ?= docs/latency.svg

bench-design:
	@$(GO_CHECK)
	cargo build --release --workspace --bins
	@$(GO_BUILD) -o $(GO_BIN)/go-server ./server
	@rm -rf $(DESIGN_DIR)
	@$(DESIGN_ENV) loadgen/bench.sh $(DESIGN_DIR) $(DESIGN_REPS) "classroom burst" "go mirror ours"
	@$(DESIGN_ENV) BENCH_TIMEOUT=20 loadgen/bench.sh $(DESIGN_DIR) $(DESIGN_REPS_LONG) stall "go mirror ours"
	@$(DESIGN_ENV) loadgen/bench.sh $(DESIGN_DIR) $(DESIGN_REPS_LONG) scale "go mirror ours"
	@cd $(DESIGN_DIR) && { echo "== the language: one design in Go and in Rust (ratio mirror / Go)" \
	  && $(abspath $(BENCH_BIN))/loadgen --table go.jsonl mirror.jsonl \
	  && echo "== the design: two designs in Rust (ratio ours / mirror)" \
	  && $(abspath $(BENCH_BIN))/loadgen --table mirror.jsonl ours.jsonl \
	  && echo "== the headline: ours and the Go original (ratio Go / ours)" \
	  && $(abspath $(BENCH_BIN))/loadgen --table ours.jsonl go.jsonl; } | tee tables.txt
# A tab after the scenario's name: `grep -E` and printf, as macOS's grep has no `-P`.
	@grep -E "^(classroom|burst)$$(printf '\t')" $(DESIGN_DIR)/latencies.txt > $(DESIGN_DIR)/picture.txt
	$(BENCH_BIN)/loadgen --plot $(DESIGN_DIR)/picture.txt $(DESIGN_PICTURE)
