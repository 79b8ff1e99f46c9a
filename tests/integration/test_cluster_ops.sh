#!/usr/bin/env bash
# test_cluster_ops.sh: symphony-cluster validate, graph and chaos on small
# cluster files.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

cluster=$repo/deploy/symphony-cluster
export SYMPHONY_BIN=$work_dir/bin
mkdir -p "$SYMPHONY_BIN"
for node in ingest transform sink tap; do
    ln -s "$(sym_bin "$node")" "$SYMPHONY_BIN/"
done
run_dir=$work_dir/run
sym_cleanup_hooks+=('"$cluster" -f "$work_dir/good.cluster" -d "$run_dir" down')

sym_free_port P1
sym_free_port P2
export P1 P2
cat >"$work_dir/good.cluster" <<'CLUSTER'
# A sink, a transform and two simulated fleets.
sink       symphony-sink --pull @tcp://127.0.0.1:${P2} --output sqlite:${RUN_DIR}/t.db
transform  symphony-transform --pull @tcp://127.0.0.1:${P1} --on-full block --push >tcp://127.0.0.1:${P2}
fleet-a    symphony-ingest --source sim --sim-rate 50 --topic tlm.a --on-full drop-newest --push >tcp://127.0.0.1:${P1}
fleet-b    symphony-ingest --source sim --sim-rate 50 --topic tlm.b --on-full drop-newest --push >tcp://127.0.0.1:${P1}
CLUSTER

"$cluster" -f "$work_dir/good.cluster" validate >"$work_dir/out" 2>&1 ||
    fail "a good cluster does not validate: $(cat "$work_dir/out")"
grep -q '4 nodes, 3 edges, valid' "$work_dir/out" || fail "$(cat "$work_dir/out")"
pass "a good cluster validates"

cat >"$work_dir/bad.cluster" <<'CLUSTER'
sink    symphony-sink --pull @tcp://127.0.0.1:7001 --output stdout
twin    symphony-sink --pull @tcp://127.0.0.1:7001 --output stdout
lonely  symphony-ingest --on-full block --push >tcp://127.0.0.1:7999
vague   symphony-ingest --push >tcp://127.0.0.1:7001
pubber  symphony-transform --pull @tcp://127.0.0.1:7002 --pub @tcp://127.0.0.1:7003
wrong   symphony-ingest --on-full block --push >tcp://127.0.0.1:7003
picky   symphony-tap --connect >tcp://127.0.0.1:7003 --topic nav.
feeder  symphony-ingest --topic tlm.{stream} --on-full block --push >tcp://127.0.0.1:7002
typo    symphony-tap --conect >tcp://127.0.0.1:7003
CLUSTER
rc=0
"$cluster" -f "$work_dir/bad.cluster" validate >"$work_dir/out" 2>&1 || rc=$?
((rc == 2)) || fail "a bad cluster: exit $rc"
expect() {
    grep -q -- "bad.cluster:$1: .*$2" "$work_dir/out" ||
        fail "no error '$2' on line $1 in: $(cat "$work_dir/out")"
}
expect 2 "binds tcp://127.0.0.1:7001, already bound by 'sink' (line 1)"
expect 3 "connects to tcp://127.0.0.1:7999, which no node binds"
expect 4 "does not state its delivery guarantee"
expect 6 "its push connects to tcp://127.0.0.1:7003, a pub of 'pubber'"
expect 7 "topic prefix 'nav.' matches nothing 'pubber' publishes"
expect 9 "symphony-tap has no option '--conect'"
[[ $(grep -c 'bad.cluster:[0-9]' "$work_dir/out") == 6 ]] ||
    fail "unexpected errors: $(cat "$work_dir/out")"
pass "validate names file and line of each of six problems, and only those"

"$cluster" -f "$work_dir/good.cluster" graph >"$work_dir/graph.dot"
[[ $(head -n 1 "$work_dir/graph.dot") == 'digraph symphony {' &&
    $(tail -n 1 "$work_dir/graph.dot") == '}' ]] || fail "not a digraph"
grep -q '"fleet-a" -> "transform" \[label="push -> pull\\ntcp://127.0.0.1:'"$P1"'\\ndrop-newest"\];' \
    "$work_dir/graph.dot" || fail "graph: $(cat "$work_dir/graph.dot")"
grep -q '"transform" -> "sink" \[label="push -> pull.*block (no loss)"\]' \
    "$work_dir/graph.dot" || fail "graph: $(cat "$work_dir/graph.dot")"
[[ $(grep -c -- ' -> ' "$work_dir/graph.dot") == 3 ]] || fail "edge count"
pass "graph prints DOT with socket types and overflow policy per edge"

"$cluster" -f "$work_dir/good.cluster" -d "$run_dir" up >"$work_dir/up.out" 2>&1 ||
    fail "up failed: $(cat "$work_dir/up.out") $(cat "$run_dir/monitor.log" 2>/dev/null | tail -n 5)"
"$cluster" -f "$work_dir/good.cluster" -d "$run_dir" chaos \
    --rate-per-min 60 --duration 6 --seed 7 >"$work_dir/chaos.out" 2>&1 ||
    fail "chaos: $(cat "$work_dir/chaos.out")"
grep -q '^symphony-cluster: chaos: \(kill -9\|stop\) ' "$work_dir/chaos.out" ||
    fail "no chaos event: $(cat "$work_dir/chaos.out")"
for node in sink transform fleet-a fleet-b; do
    grep -q "^$node  *running " "$work_dir/chaos.out" ||
        fail "$node is not running after chaos: $(cat "$work_dir/chaos.out")"
done
grep -q '^streams=[1-9][0-9]* expected=.* unbalanced=0$' "$work_dir/chaos.out" ||
    fail "sink account: $(cat "$work_dir/chaos.out")"
pass "chaos disrupts nodes, all run again, and the sink's account balances"

sym_done
