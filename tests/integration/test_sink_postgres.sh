#!/usr/bin/env bash
# test_sink_postgres.sh: the sink's postgres output against a real server:
# the demo data lands with the same counts as in SQLite, and a server
# restart in the middle of a run loses no row and doubles none, and a
# batch the server refuses is dropped and counted.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/pg.sh"
sym_setup
sym_pg_start

pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
query() { sym_pg_query "$1"; }

# The demo pipeline of test_pipeline.sh, into PostgreSQL.
csv=$repo/data/qb50-se01/beacons.csv
sym_free_port transform_port
sym_free_port sink_port
"$(sym_bin sink)" --name sink --pull "@tcp://127.0.0.1:$sink_port" \
    --output "postgres:$pg_conninfo" --exit-on-eos 4 \
    2>"$work_dir/sink.log" &
sink_pid=$!
pids+=("$sink_pid")
"$(sym_bin transform)" --name transform \
    --pull "@tcp://127.0.0.1:$transform_port" \
    --steps "$repo/deploy/demo.steps" \
    --push ">tcp://127.0.0.1:$sink_port" 2>"$work_dir/transform.log" &
pids+=($!)
for station in opencosmos tartu japan aalto; do
    "$(sym_bin ingest)" --name "$station" --source "file:$csv" \
        --match "source=$station" --stream 'qb50.{source}' \
        --topic 'tlm.qb50.{source}' --time-field passtime --speed max \
        --push ">tcp://127.0.0.1:$transform_port" \
        2>"$work_dir/$station.log" &
    pids+=($!)
done
rc=0
sym_wait_pid "$sink_pid" 90 || rc=$?
((rc == 0)) || fail "sink exited with $rc: $(tail -n 5 "$work_dir/sink.log")"
pass "the sink stops by itself after the four end-of-stream markers"

[[ $(query "SELECT string_agg(stream || '=' || expected, ' ' ORDER BY stream)
    FROM streams WHERE stream LIKE 'qb50.%'") ==\
    'qb50.aalto=20 qb50.japan=25 qb50.opencosmos=28267 qb50.tartu=2635' ]] ||
    fail "streams table: $(query 'SELECT * FROM streams')"
stored=$(query "SELECT count(*) FROM records")
removed=$(query "SELECT sum(count) FROM removals WHERE reason = 'dedupe'")
lost=$(query "SELECT sum(lost) FROM streams")
# The same numbers test_pipeline.sh checks in SQLite.
((removed == 2737)) || fail "removed $removed duplicates, expected 2737"
((stored == 28210)) || fail "stored $stored, expected 28210"
((lost == 0)) || fail "lost $lost"
pass "stored 28210 records and 2737 removals, as SQLite does, none lost"

[[ $(query "SELECT count(*) FROM records WHERE fields->'vbatt' IS NULL
    OR json_typeof(fields->'vbatt.limit') <> 'string'") == 0 ]] ||
    fail "records without vbatt or its limit flag"
(($(query "SELECT count(*) FROM alarms") > 0)) || fail "no alarm stored"
[[ $(query "SELECT count(*) FROM sink_batches") == 1 ]] ||
    fail "sink_batches: $(query 'SELECT * FROM sink_batches')"
pass "fields are json with limit flags, alarms and the batch mark stored"

# A paced run with a server restart in the middle, into a records table
# created beforehand with a layout of its own (a serial id, jsonb), which
# the sink writes as it is.
query "TRUNCATE alarms, streams, removals, sink_batches" >/dev/null
query "DROP TABLE records" >/dev/null
query "CREATE TABLE records (id bigserial PRIMARY KEY, topic text NOT NULL,
    stream text NOT NULL, epoch bigint NOT NULL, seq bigint NOT NULL,
    event_ns bigint NOT NULL, ingest_ns bigint NOT NULL,
    stored_ns bigint NOT NULL, fields jsonb NOT NULL)" >/dev/null
sym_free_port sim_port
"$(sym_bin sink)" --name sink2 --pull "@tcp://127.0.0.1:$sim_port" \
    --output "postgres:$pg_conninfo" --exit-on-eos 4 --batch 200 \
    --flush-ms 50 2>"$work_dir/sink2.log" &
sink_pid=$!
pids+=("$sink_pid")
"$(sym_bin ingest)" --name sim --source sim --sim-expeditions 1 \
    --sim-channels 4 --sim-rate 500 --sim-count 6000 \
    --push ">tcp://127.0.0.1:$sim_port" 2>"$work_dir/sim.log" &
pids+=($!)

has_rows() { (($(query "SELECT count(*) FROM records") > 0)); }
eventually 20 has_rows || fail "no row arrived before the restart"
grep -q 'libpq' "/proc/$sink_pid/maps" ||
    fail "a sink writing to PostgreSQL has not opened libpq"
sym_pg_ctl stop || fail "could not stop the server"
eventually 20 grep -q 'server away, batch held' "$work_dir/sink2.log" ||
    fail "the sink did not notice the server going away"
kill -0 "$sink_pid" || fail "the sink died while the server was away"
sym_pg_ctl start || fail "postgres did not start again"
pass "the sink held its batch while the server was down"

rc=0
sym_wait_pid "$sink_pid" 60 || rc=$?
((rc == 0)) || fail "sink2 exited with $rc: $(tail -n 5 "$work_dir/sink2.log")"
grep -q 'reconnected, replaying the batch' "$work_dir/sink2.log" ||
    fail "no reconnect in the log"
stored=$(query "SELECT count(*) FROM records")
distinct=$(query "SELECT count(*) FROM
    (SELECT DISTINCT stream, epoch, seq FROM records) AS d")
expected=$(query "SELECT sum(expected) FROM streams")
lost=$(query "SELECT sum(lost) FROM streams")
((stored == 6000 && distinct == 6000 && expected == 6000 && lost == 0)) ||
    fail "after the restart: stored=$stored distinct=$distinct" \
        "expected=$expected lost=$lost"
pass "after a restart mid-run all 6000 rows are stored once, none lost"
[[ $(query "SELECT count(DISTINCT id) || ' ' || count(*) FILTER
    (WHERE jsonb_typeof(fields->'channel') = 'number') FROM records") == \
    '6000 6000' ]] || fail "the table's own id and jsonb were not filled"
pass "a table created beforehand keeps its serial id and jsonb fields"

# Batches the server refuses while their COPY streams (here a constraint
# every row breaks) are dropped and counted; the connection stays usable
# and the batches after the constraint is gone land.
query "TRUNCATE records, alarms, streams, removals, sink_batches" >/dev/null
query "ALTER TABLE records ADD CONSTRAINT refuse_all CHECK (seq < 0)
    NOT VALID" >/dev/null
sym_free_port refuse_port
"$(sym_bin sink)" --name sink3 --pull "@tcp://127.0.0.1:$refuse_port" \
    --output "postgres:$pg_conninfo" --exit-on-eos 4 --batch 400 \
    2>"$work_dir/sink3.log" &
sink_pid=$!
pids+=("$sink_pid")
"$(sym_bin ingest)" --name sim3 --source sim --sim-expeditions 1 \
    --sim-channels 4 --sim-rate 500 --sim-count 6000 \
    --push ">tcp://127.0.0.1:$refuse_port" 2>"$work_dir/sim3.log" &
pids+=($!)
eventually 20 grep -q 'write failed, batch dropped' "$work_dir/sink3.log" ||
    fail "no batch refused: $(tail -n 5 "$work_dir/sink3.log")"
query "ALTER TABLE records DROP CONSTRAINT refuse_all" >/dev/null
sym_wait_pid "$sink_pid" 60 || true
line=$(grep ' stopped ' "$work_dir/sink3.log") || fail "sink3 did not stop"
logged=$(sed -n 's/.* stored=\([0-9]*\).*/\1/p' <<<"$line")
dropped=$(sed -n 's/.* drop_write=\([0-9]*\).*/\1/p' <<<"$line")
stored=$(query "SELECT count(*) FROM records")
((dropped > 0 && stored > 0 && stored == logged &&
    stored + dropped == 6000)) ||
    fail "refused batches: stored=$stored logged=$logged dropped=$dropped"
pass "refused batches are dropped and counted, the next ones land"

sym_done
