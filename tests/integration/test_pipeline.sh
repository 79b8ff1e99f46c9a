#!/usr/bin/env bash
# test_pipeline.sh: the bundled beacons through real ingest, transform,
# sink and tap processes on loopback, with every count checked in the
# database the sink wrote.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

csv=$repo/data/qb50-se01/beacons.csv
db=$work_dir/telemetry.db
sym_free_port transform_port
sym_free_port sink_port
sym_free_port pub_port
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')

"$(sym_bin sink)" --name sink --pull "@tcp://127.0.0.1:$sink_port" \
    --output "sqlite:$db" --exit-on-eos 4 2>"$work_dir/sink.log" &
sink_pid=$!
pids+=("$sink_pid")
"$(sym_bin transform)" --name transform \
    --pull "@tcp://127.0.0.1:$transform_port" \
    --steps "$repo/deploy/demo.steps" \
    --push ">tcp://127.0.0.1:$sink_port" \
    --pub "@tcp://127.0.0.1:$pub_port" 2>"$work_dir/transform.log" &
pids+=($!)
"$(sym_bin tap)" --connect ">tcp://127.0.0.1:$pub_port" --count 3 \
    >"$work_dir/tap.out" 2>"$work_dir/tap.log" &
tap_pid=$!
pids+=("$tap_pid")

# The tap must be subscribed before the data flows: wait until it has
# connected by watching its TCP connection to the transform.
eventually 5 bash -c "ss -Htn state established 'dport = :$pub_port' |
    grep -q ." || fail "the tap did not connect"

for station in opencosmos tartu japan aalto; do
    "$(sym_bin ingest)" --name "$station" --source "file:$csv" \
        --match "source=$station" --stream 'qb50.{source}' \
        --topic 'tlm.qb50.{source}' --time-field passtime --speed max \
        --push ">tcp://127.0.0.1:$transform_port" \
        2>"$work_dir/$station.log" &
    pids+=($!)
done

rc=0
sym_wait_pid "$sink_pid" 60 || rc=$?
((rc == 0)) || fail "sink exited with $rc: $(tail -n 5 "$work_dir/sink.log")"
pass "the sink stops by itself after the four end-of-stream markers"

query() { sqlite3 -batch -noheader "$db" "$1"; }

[[ $(query "SELECT group_concat(stream || '=' || expected, ' ') FROM
    (SELECT * FROM streams WHERE stream LIKE 'qb50.%' ORDER BY stream)") ==\
    'qb50.aalto=20 qb50.japan=25 qb50.opencosmos=28267 qb50.tartu=2635' ]] ||
    fail "streams table: $(query 'SELECT * FROM streams')"
pass "every station's stream is accounted with the rows it sent"

stored=$(query "SELECT count(*) FROM records")
removed=$(query "SELECT sum(count) FROM removals WHERE reason = 'dedupe'")
lost=$(query "SELECT sum(lost) FROM streams")
# 2,737 rows repeat an earlier row's on-board time and values.
((removed == 2737)) || fail "removed $removed duplicates, expected 2737"
((stored == 30947 - 2737)) || fail "stored $stored"
((lost == 0)) || fail "lost $lost"
pass "stored = rows - duplicates ($stored = 30947 - $removed), none lost"

[[ $(query "SELECT count(*) FROM records WHERE
    json_extract(fields, '$.vbatt') IS NULL") == 0 ]] ||
    fail "records without vbatt"
[[ $(query "SELECT count(*) FROM records WHERE
    json_type(fields, '$.\"vbatt.limit\"') = 'text'") == "$stored" ]] ||
    fail "records without a vbatt limit flag"
alarms=$(query "SELECT count(*) FROM alarms")
((alarms > 0)) || fail "no alarm raised"
pass "records are flagged against limits and $alarms alarms were stored"

rc=0
sym_wait_pid "$tap_pid" 10 || rc=$?
((rc == 0)) || fail "tap exited with $rc"
[[ $(grep -c '"stream":"qb50\.' "$work_dir/tap.out") == 3 ]] ||
    fail "tap printed: $(cat "$work_dir/tap.out")"
pass "the tap printed three decoded records and stopped"

sym_done
