# The three commands a user needs, and the one CI runs (.ci/run calls `make test`).
ADDR ?= 127.0.0.1:5000

.PHONY: server client test bench bench-go go-server go-client demo demo-stall demo-stop

# Build if needed (cargo shows progress), then run the binary itself rather than `cargo run`,
# so a demo terminal shows the chat and not cargo's "Running" line.
RELEASE = $(or $(CARGO_TARGET_DIR),target)/release

server:
	@cargo build --release --bin server
	@$(RELEASE)/server --addr $(ADDR)

client:
	@cargo build --release --bin client
	@$(RELEASE)/client --addr $(ADDR)

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
	@$(GO_BIN)/go-server -port $(lastword $(subst :, ,$(ADDR)))

go-client:
	@$(GO_CHECK)
	@$(GO_BUILD) -o $(GO_BIN)/go-client ./client
	@$(GO_BIN)/go-client -addr $(ADDR)

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
	@tmux -L realtime-chat-demo kill-server 2>/dev/null && echo "demo stopped" || echo "no demo running"

# --workspace: the chat and the load generator beside it (loadgen/) are checked alike.
test:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
	cargo test --workspace

# `make bench`: the seven load scenarios against our server (release build, a free port), printed
# as one table. `make bench-go` (or `make bench BENCH_GO=1`) runs them against the Go original too,
# with each scenario's ratio Go / ours. Each scenario gets a fresh server on a free port, so one
# scenario's backlog or teardown (10,000 leaves) never lands in the next one's numbers or peak RSS.
# Each run is kept as a JSON line in $(BENCH_DIR), each server's output in a .log beside it.
BENCH_BIN = $(RELEASE)
BENCH_DIR = $(BENCH_BIN)/bench
# The scale scenario holds 10,000 sockets in loadgen and as many in the server, each its own process.
BENCH_NOFILE = 20000
# The scale scenario's clients; `make bench BENCH_SCALE=500` is a quick rehearsal.
# Our server runs with pacing off (`--max-rate 0`): the scenarios send faster than any person, on
# purpose. loadgen connects from 127.0.0.1, which `--max-per-address` exempts by default.
BENCH_SCALE ?= 10000

bench:
	@if [ -n "$(BENCH_GO)" ]; then $(GO_CHECK); fi
	cargo build --release --workspace --bins
	@if [ -n "$(BENCH_GO)" ]; then $(GO_BUILD) -o $(GO_BIN)/go-server ./server; fi
	@mkdir -p $(BENCH_DIR) && rm -f $(BENCH_DIR)/*.jsonl $(BENCH_DIR)/*.log
	@ulimit -n $(BENCH_NOFILE) 2>/dev/null || echo "bench: cannot raise the open-file limit to \
	$(BENCH_NOFILE) (hard limit $$(ulimit -Hn)); the scale scenario will report failures; \
	as root: ulimit -Hn $(BENCH_NOFILE)" >&2; \
	scenario() { label=$$1; shift; log=$(BENCH_DIR)/$$name-$$label.log; \
	  port=$$($(BENCH_BIN)/loadgen --free-port) || exit 1; rm -f $$log; \
	  eval "exec $$command" > $$log 2>&1 & pid=$$!; \
	  for i in $$(seq 50); do grep -qs "Server running" $$log && break; sleep 0.1; done; \
	  echo "bench: $$name: $$label" >&2; \
	  $(BENCH_BIN)/loadgen --addr 127.0.0.1:$$port --server-pid $$pid --server-name $$name \
	    --label $$label --json $$extra "$$@" >> $(BENCH_DIR)/$$name.jsonl; \
	  kill $$pid; wait $$pid 2>/dev/null; }; \
	serve() { name=$$1; command=$$2; extra=$$3; \
	  scenario classroom --clients 50 --senders 50 --messages 100 --rate 20; \
	  scenario classroom-lockstep --clients 50 --senders 50 --messages 100 --rate 20 --lockstep; \
	  scenario burst --clients 100 --senders 10 --messages 2000; \
	  scenario scale --clients $(BENCH_SCALE) --senders 1 --messages 100 --rate 10; \
	  scenario stall --clients 50 --stalled 1 --senders 10 --messages 2000 --size 512; \
	  scenario stall-8 --clients 50 --stalled 8 --senders 10 --messages 2000 --size 512; \
	  scenario stall-200 --clients 2 --stalled 200 --senders 1 --messages 20000 --size 512; }; \
	serve ours '$(BENCH_BIN)/server --addr 127.0.0.1:$$port --max-clients $(BENCH_NOFILE) --max-rate 0'; \
	if [ -n "$(BENCH_GO)" ]; then \
	  serve go '$(GO_BIN)/go-server -port $$port'; \
	  $(BENCH_BIN)/loadgen --table $(BENCH_DIR)/ours.jsonl $(BENCH_DIR)/go.jsonl; \
	else $(BENCH_BIN)/loadgen --table $(BENCH_DIR)/ours.jsonl; fi

bench-go:
	@$(GO_CHECK)
	@$(MAKE) --no-print-directory bench BENCH_GO=1
