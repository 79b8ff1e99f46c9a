#!/usr/bin/env bash
# test_demo.sh: the main job as a user runs it, and the supervisor bringing
# back a real node killed with SIGKILL.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

# 1. The demo, twice: the same figures each time. Free ports, so the test
# runs beside anything else on this machine.
sym_free_port PORT_TRANSFORM_IN
sym_free_port PORT_TRANSFORM_PUB
sym_free_port PORT_SINK_IN
export PORT_TRANSFORM_IN PORT_TRANSFORM_PUB PORT_SINK_IN
sym_cleanup_hooks+=('SYMPHONY_RUN_DIR=$work_dir/demo "$repo/deploy/symphony-cluster" -f "$repo/deploy/demo.cluster" down')
for attempt in 1 2; do
    SYMPHONY_BIN_DIR=$build_dir SYMPHONY_RUN_DIR=$work_dir/demo \
        "$repo/deploy/demo-run" >"$work_dir/demo-$attempt.out" 2>&1 ||
        fail "demo-run failed: $(tail -n 20 "$work_dir/demo-$attempt.out")"
    sed -n '/^QB50/,/^alarms/p' "$work_dir/demo-$attempt.out" \
        >"$work_dir/figures-$attempt"
done
grep -q '30947 = 28210 + 2737 + 0' "$work_dir/demo-1.out" ||
    fail "unexpected summary: $(cat "$work_dir/demo-1.out")"
pass "the demo accounts for every row: 30947 = 28210 + 2737 + 0"
cmp -s "$work_dir/figures-1" "$work_dir/figures-2" ||
    fail "a second run differs: $(diff "$work_dir/figures-1" \
        "$work_dir/figures-2")"
pass "a second run prints the same figures"
grep -q '"stream":"qb50\.' "$work_dir/demo-1.out" ||
    fail "the tap printed no record"
pass "the tap on the transform's output printed decoded records"

# 2. A real node killed with SIGKILL comes back under the supervisor.
sym_free_port in_port
cat >"$work_dir/kill.cluster" <<CLUSTER
sink       symphony-sink  --pull @tcp://127.0.0.1:$in_port --output stdout
producer   symphony-ingest --source sim --sim-rate 100 --push >tcp://127.0.0.1:$in_port
CLUSTER
cluster() {
    PATH=$build_dir/nodes/sink:$build_dir/nodes/ingest:$PATH \
        "$repo/deploy/symphony-cluster" -f "$work_dir/kill.cluster" \
        -d "$work_dir/kill-run" "$@"
}
sym_cleanup_hooks+=('cluster down')
cluster up >/dev/null
node_pid() { cluster status | awk -v n="$1" '$1 == n { print $3 }'; }
first_pid=$(node_pid sink)
[[ $first_pid =~ ^[0-9]+$ ]] || fail "sink not running: $(cluster status)"
kill -9 "$first_pid"

restarted() {
    local line
    line=$(cluster status | awk '$1 == "sink"')
    [[ $line == *running* && $line != *" $first_pid "* &&
        $line == *"signal 9"* ]] && [[ $(awk '{ print $5 }' <<<"$line") == 1 ]]
}
eventually 5 restarted || fail "status after kill -9: $(cluster status)"
pass "a sink killed with SIGKILL is restarted and status shows it"

records_since_restart() {
    awk '/^--- .* start #2/ { after = 1 } after && /"stream":"sim/ { n++ }
         END { exit !(n > 100) }' "$work_dir/kill-run/logs/sink.log"
}
eventually 5 records_since_restart || fail "no records after the restart"
pass "records flow again after the restart"

cluster down >/dev/null
sym_done
