# Makefile: the two commands of the README, and a few more. The build is
# CMake's; this file only names the steps. Settings live in Makefile.inc.
include Makefile.inc

MAKEFLAGS += --no-print-directory

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	-DCMAKE_INSTALL_PREFIX=$(PREFIX)
TEST_DIR = $(BUILD_DIR)-test
JOBS = $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test bench fuzz soak install package deb format-check\
	clean

all: build

deps:
	@deploy/install-deps run

build: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The main job: a local cluster replays real CubeSat telemetry from four
# ground stations into SQLite, prints a summary and stops.
run: build
	@SYMPHONY_BIN_DIR=$(CURDIR)/$(BUILD_DIR) deploy/demo-run

# Warnings are errors here, so what passes here passes in CI.
test:
	@deploy/install-deps test
	@cmake -S . -B $(TEST_DIR) $(CMAKE_FLAGS) -DSYM_WERROR=ON >/dev/null
	@cmake --build $(TEST_DIR) -j $(JOBS)
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS)

# Throughput, latency and memory against a raw libzmq baseline, from a
# Release build; the table also goes to build-bench/bench.txt.
bench:
	@deploy/install-deps test
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build-bench -j $(JOBS)
	@tests/bench/run.sh

# Each fuzz target for FUZZ_SECONDS (or until FUZZ_RUNS executions, when
# that comes first), one after the other, at the lowest CPU priority. New
# inputs go to $(FUZZ_DIR)/corpus (merge the useful ones into
# tests/fuzz/corpus); a crash lands in tests/fuzz/crashes/<target>/, where
# `make test` replays it. The counts also go to $(FUZZ_DIR)/counts.txt.
fuzz:
	@deploy/install-deps fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DSYM_FUZZ=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target sym_fuzzers
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t tests/fuzz/crashes/$$t; \
		start=$$(date +%s); \
		nice -n 19 $(FUZZ_DIR)/tests/fuzz/fuzz_$$t \
			-max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) \
			-max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=1024 \
			-print_final_stats=1 \
			-artifact_prefix=tests/fuzz/crashes/$$t/ \
			$(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t \
			2>$(FUZZ_DIR)/$$t.log || { tail -40 $(FUZZ_DIR)/$$t.log; \
			exit 1; }; \
		printf '%-6s %12s executions in %ss, %s\n' $$t \
			"$$(awk '/stat::number_of_executed_units/ {print $$2}' \
			$(FUZZ_DIR)/$$t.log)" $$(($$(date +%s) - start)) \
			"$$(date -u +%F)" | tee -a $(FUZZ_DIR)/counts.txt; \
	done

install: build
	@cmake --install $(BUILD_DIR)

# A Debian package of the binaries, the supervisor and the units:
# $(BUILD_DIR)/symphony_<version>_amd64.deb, installed under /usr.
package deb: build
	@cd $(BUILD_DIR) && cpack -G DEB

# A 10-minute chaos soak of a small cluster (not part of make test).
soak: build
	@SYMPHONY_BUILD_DIR=$(CURDIR)/$(BUILD_DIR) deploy/soak

format-check:
	@clang-format --dry-run -Werror common/*.[ch] nodes/*/*.[ch] \
		tests/*/*.c

clean:
	@rm -rf $(BUILD_DIR) $(TEST_DIR) $(FUZZ_DIR) build-bench run
