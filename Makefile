# The three commands a user needs, and the one CI runs (.ci/run calls `make test`).
ADDR ?= 127.0.0.1:5000

.PHONY: server client test

server:
	cargo run --release --bin server -- --addr $(ADDR)

client:
	cargo run --release --bin client -- --addr $(ADDR)

test:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test
