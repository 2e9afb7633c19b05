# planwatch — `make run` and `make test` work on a fresh Debian 12 machine (as root).
SHELL := /bin/bash
DB ?= demo.db
AS_OF ?= 2025-12-31
PLANWATCH_RELEASE := build/release/src/planwatch/cli/planwatch
PLANWATCH_DEBUG := build/debug/src/planwatch/cli/planwatch

.PHONY: deps build build-debug run test tsan bench fuzz soak format tidy clean

deps:
	@scripts/deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

build-debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug

# Creates the demo database if missing (with a demo administrator), shows the demo plan as of
# 31 Dec 2025 by task group, then serves the web UI and the API on http://localhost:8057 until Ctrl-C.
run: build
	@DB=$(DB) AS_OF=$(AS_OF) scripts/run.sh $(PLANWATCH_RELEASE)

# Every test on the debug build, which runs under AddressSanitizer + UBSan; then the concurrency
# tests under ThreadSanitizer.
test: build-debug
	@ctest --preset debug
	@$(MAKE) --no-print-directory tsan

# The concurrency tests (store, analytics, ingest, server) under ThreadSanitizer (build/tsan).
tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan
	@ctest --preset tsan

# Long durability runs: 1,000 SIGKILL cycles of the server amid concurrent writes (SOAK_SEED=N
# repeats a run).
SOAK_CYCLES ?= 1000
soak: build-debug
	@/usr/bin/python3 tests/crash/crash_test.py --binary $(PLANWATCH_DEBUG) --cycles $(SOAK_CYCLES) $(if $(SOAK_SEED),--seed $(SOAK_SEED))
	@dir=$$(mktemp -d) && chmod 755 $$dir && scripts/pg-cluster.sh start $$dir/pg >/dev/null && \
	  PW_TEST_POSTGRES=$$dir/pg/url /usr/bin/python3 tests/nodes/two_nodes.py \
	    --binary $(PLANWATCH_DEBUG) --seconds 60; \
	  status=$$?; scripts/pg-cluster.sh stop $$dir/pg >/dev/null; rm -rf $$dir; exit $$status
	@cmake --preset release >/dev/null && cmake --build --preset release && node tests/load/load.mjs --binary $(PLANWATCH_RELEASE) --name soak --rate 50 --seconds 600 --warmup 30

bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target planwatch status_benchmark compare
	@scripts/bench.sh

# make fuzz FUZZ_SECONDS=300: runs every fuzz target for that long (clang + libFuzzer).
FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/deps.sh --fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@scripts/fuzz.sh $(FUZZ_SECONDS)

format:
	@find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

tidy: build-debug
	@scripts/deps.sh --tidy
	@scripts/tidy.sh

clean:
	@rm -rf build
