#!/usr/bin/env bash
# test_valgrind.sh: a transform under valgrind through start, a run with
# real records (and garbage) and a stop by signal: no memory error and no
# definite leak.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup
command -v valgrind >/dev/null || fail "valgrind is not installed"

pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
sym_free_port pull_port
sym_free_port sink_port
valgrind --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --log-file="$work_dir/valgrind.log" \
    "$(sym_bin transform)" --pull "@tcp://127.0.0.1:$pull_port" \
    --pub "@tcp://127.0.0.1:$sink_port" --linger-ms 0 \
    --steps "$repo/deploy/demo.steps" 2>"$work_dir/transform.log" &
vg_pid=$!
pids+=("$vg_pid")
eventually 60 grep -q "node: started" "$work_dir/transform.log" ||
    fail "the transform did not start under valgrind"

"$(sym_bin tap)" --connect ">tcp://127.0.0.1:$sink_port" --count 15 \
    >"$work_dir/tap.out" 2>"$work_dir/tap.log" &
tap_pid=$!
pids+=("$tap_pid")
eventually 30 bash -c "ss -Htn state established 'dport = :$sink_port' |
    grep -q ." || fail "the tap did not connect"
"$(sym_bin ingest)" --source "file:$repo/tests/fuzz/corpus/csv/qb50-first-rows.csv" \
    --stream qb50.vg --push ">tcp://127.0.0.1:$pull_port" --linger-ms 3000 \
    2>"$work_dir/ingest.log" || fail "ingest failed"
sym_wait_pid "$tap_pid" 60 >/dev/null ||
    fail "the tap did not get the records: $(tail -n 2 "$work_dir/tap.log")"
kill -TERM "$vg_pid"
rc=0
sym_wait_pid "$vg_pid" 60 || rc=$?
((rc != 99)) || fail "valgrind: $(grep -A8 'ERROR SUMMARY\|definitely' "$work_dir/valgrind.log" | head -30)"
grep -q "ERROR SUMMARY: 0 errors" "$work_dir/valgrind.log" ||
    fail "valgrind: $(tail -n 20 "$work_dir/valgrind.log")"
grep -q "received=[1-9]" "$work_dir/transform.log" ||
    fail "no records went through: $(tail -n 3 "$work_dir/transform.log" "$work_dir/ingest.log")"
pass "start, run and stop of a transform show no memory error or leak"
sym_done
