#!/usr/bin/env bash
# test_partitions.sh: ingest --partitions 3 feeds three transform workers;
# every stream goes to exactly one worker and reaches the sink in order.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

db=$work_dir/telemetry.db
count=24000
sym_free_port sink_port
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')

"$(sym_bin sink)" --name sink --pull "@tcp://127.0.0.1:$sink_port" \
    --output "sqlite:$db" --exit-on-eos 12 2>"$work_dir/sink.log" &
sink_pid=$!
pids+=("$sink_pid")

# Worker k stamps worker=k on every record (the sim's channel field is
# in all of them), so the sink's rows tell which worker carried them.
push=""
for k in 1 2 3; do
    sym_free_port worker_port
    printf 'calibrate channel poly=%d out=worker\n' "$k" >"$work_dir/w$k.steps"
    "$(sym_bin transform)" --name "worker$k" \
        --pull "@tcp://127.0.0.1:$worker_port" --steps "$work_dir/w$k.steps" \
        --push ">tcp://127.0.0.1:$sink_port" 2>"$work_dir/w$k.log" &
    pids+=($!)
    push+="${push:+,}>tcp://127.0.0.1:$worker_port"
done

"$(sym_bin ingest)" --name ingest --source sim --sim-rate 0 \
    --sim-count "$count" --partitions 3 --push "$push" \
    2>"$work_dir/ingest.log" ||
    fail "ingest failed: $(tail -n 3 "$work_dir/ingest.log")"
rc=0
sym_wait_pid "$sink_pid" 60 || rc=$?
((rc == 0)) || fail "sink exited with $rc: $(tail -n 5 "$work_dir/sink.log")"
pass "the sink stops after the twelve end-of-stream markers"

query() { sqlite3 -batch -noheader "$db" "$1"; }

[[ $(query "SELECT count(*), count(DISTINCT stream) FROM records") == \
    "$count|12" ]] ||
    fail "records: $(query 'SELECT count(*), count(DISTINCT stream) FROM records')"
[[ $(query "SELECT sum(lost) FROM streams") == 0 ]] ||
    fail "streams table: $(query 'SELECT * FROM streams')"
pass "every record of the twelve streams arrives, none lost"

out_of_order=$(query "SELECT count(*) FROM (SELECT seq, LAG(seq) OVER
    (PARTITION BY stream ORDER BY rowid) AS prev FROM records)
    WHERE prev IS NOT NULL AND seq != prev + 1")
[[ $out_of_order == 0 ]] ||
    fail "$out_of_order records arrived out of sequence order"
pass "each stream's records arrive in sequence order"

split=$(query "SELECT count(*) FROM (SELECT stream FROM records
    GROUP BY stream HAVING count(DISTINCT json_extract(fields, '\$.worker'))
    != 1)")
[[ $split == 0 ]] || fail "$split streams went to more than one worker"
[[ $(query "SELECT count(DISTINCT json_extract(fields, '\$.worker'))
    FROM records") == 3 ]] || fail "not every worker got streams"
pass "each stream went to exactly one worker, and all three worked"

"$(sym_bin ingest)" --source sim --sim-count 1 --partitions 3 \
    --push ">tcp://127.0.0.1:$sink_port" 2>"$work_dir/bad.log" && rc=0 ||
    rc=$?
((rc == 2)) && grep -q "partition" "$work_dir/bad.log" ||
    fail "a list of the wrong length: exit $rc, $(cat "$work_dir/bad.log")"
pass "--partitions with a list of another length is a usage error"

sym_done
