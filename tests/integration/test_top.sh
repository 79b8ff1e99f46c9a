#!/usr/bin/env bash
# test_top.sh: symphony-top watches a supervised cluster through its plain
# output: every node shows UP; a node that falls silent (SIGSTOP) shows
# DOWN after three of its intervals and UP again when it resumes; a node
# killed with -9 shows DOWN within 3 s, and UP again with a new epoch and
# restarts=1 once the supervisor has restarted it.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

cluster_cmd=$repo/deploy/symphony-cluster
cluster_file=$work_dir/top.cluster
run_dir=$work_dir/run
top_out=$work_dir/top.out
top_pid=''

cluster()
{
    "$cluster_cmd" -f "$cluster_file" -d "$run_dir" "$@"
}
sym_cleanup_hooks+=('[[ -z $top_pid ]] || kill "$top_pid"' 'cluster down')

# A paced sim through a transform into a sink; each node reports its
# stats every 500 ms on a port of its own, given through the environment.
write_cluster()
{
    export NODES=$build_dir/nodes SYMPHONY_CONF=$repo/Makefile.inc
    local var
    for var in T_IN T_SINK T_STATS_INGEST T_STATS_TRANSFORM T_STATS_SINK; do
        sym_free_port "$var"
        export "${var?}"
    done
    cat >"$cluster_file" <<'EOF'
sink       ${NODES}/sink/symphony-sink --name sink --pull @tcp://127.0.0.1:${T_SINK} --output null --stats-pub @tcp://127.0.0.1:${T_STATS_SINK} --stats-ms 500
transform  ${NODES}/transform/symphony-transform --name transform --pull @tcp://127.0.0.1:${T_IN} --on-full block --push >tcp://127.0.0.1:${T_SINK} --stats-pub @tcp://127.0.0.1:${T_STATS_TRANSFORM} --stats-ms 500
fleet      ${NODES}/ingest/symphony-ingest --name fleet --source sim --sim-rate 200 --on-full drop-newest --push >tcp://127.0.0.1:${T_IN} --stats-pub @tcp://127.0.0.1:${T_STATS_INGEST} --stats-ms 500
EOF
}

# The lines of top's output after line $1 about node $2.
lines_after()
{
    tail -n "+$(($1 + 1))" "$top_out" | grep -E "^ts=[^ ]+ node=$2 " || true
}

# The value of key $2 in line $1.
value_of()
{
    local pattern=" $2=([^ ]*)"
    [[ $1 =~ $pattern ]] && echo "${BASH_REMATCH[1]}"
}

# Milliseconds since the epoch of a ts= value.
ts_ms()
{
    date -u -d "$1" +%s%3N
}

every_node_up()
{
    local name line
    for name in fleet transform sink; do
        line=$(lines_after 0 "$name" | tail -n 1)
        [[ $line == *" state=UP "* ]] || return 1
    done
}

sink_shows_lag()
{
    local line
    line=$(lines_after 0 sink | tail -n 1)
    [[ $(value_of "$line" lag_p99_ms) =~ ^[0-9.]+$ ]]
}

write_cluster
cluster up >"$work_dir/up.log" 2>&1 || fail "cluster up: $(cat "$work_dir/up.log")"
"$(sym_bin top)" --cluster "$cluster_file" --run-dir "$run_dir" \
    >"$top_out" 2>"$work_dir/top.err" &
top_pid=$!

eventually 15 every_node_up ||
    fail "not every node UP: $(tail -n 6 "$top_out"; cat "$work_dir/top.err")"
pass "plain output (stdout is a file) shows fleet, transform and sink UP"

eventually 10 sink_shows_lag || fail "the sink shows no consumer lag"
line=$(lines_after 0 sink | tail -n 1)
pass "the sink shows consumer lag p50=$(value_of "$line" lag_p50_ms) ms \
p99=$(value_of "$line" lag_p99_ms) ms"

line=$(lines_after 0 fleet | tail -n 1)
[[ $(value_of "$line" push.peers) == 1 && $line == *" push.queue="* ]] ||
    fail "the ingest's push edge is not shown: $line"
pass "the ingest's push edge shows its peer and queue"

shows_down()
{
    lines_after "$mark" transform | grep -q ' state=DOWN '
}

# A stopped process keeps its connections: only its silence tells.
line=$(lines_after 0 transform | tail -n 1)
epoch_before=$(value_of "$line" epoch)
[[ $(value_of "$line" restarts) == 0 ]] || fail "restarts before a kill: $line"
pid=$(cat "$run_dir/pids/transform.pid")
sym_cleanup_hooks+=("kill -CONT $pid")
mark=$(wc -l <"$top_out")
stop_ms=$(now_ms)
kill -STOP "$pid"
eventually 10 shows_down || fail "transform not DOWN while stopped"
kill -CONT "$pid"
down_line=$(lines_after "$mark" transform | grep -m 1 ' state=DOWN ')
down_ms=$(($(ts_ms "$(value_of " $down_line" ts)") - stop_ms))
((down_ms <= 3000)) ||
    fail "stopped transform shown DOWN ${down_ms} ms after SIGSTOP (limit 3000)"
pass "silent transform (SIGSTOP, 500 ms reports) shown DOWN ${down_ms} ms \
after it stopped"

mark=$(wc -l <"$top_out")
resumed()
{
    lines_after "$mark" transform | grep ' state=UP ' |
        grep " epoch=$epoch_before " | grep -q ' restarts=0 '
}
eventually 10 resumed || fail "transform not UP after SIGCONT"
pass "after SIGCONT it is UP again, same epoch, restarts=0"

mark=$(wc -l <"$top_out")
kill_ms=$(now_ms)
kill -9 "$pid"
eventually 10 shows_down || fail "transform not DOWN after kill -9"
down_line=$(lines_after "$mark" transform | grep -m 1 ' state=DOWN ')
down_ms=$(($(ts_ms "$(value_of " $down_line" ts)") - kill_ms))
((down_ms <= 3000)) ||
    fail "transform shown DOWN ${down_ms} ms after kill -9 (limit 3000)"
pass "transform shown DOWN ${down_ms} ms after kill -9"

up_again()
{
    lines_after "$mark" transform | grep ' state=UP ' |
        grep -v " epoch=$epoch_before " | grep -q ' restarts=1 '
}
eventually 20 up_again ||
    fail "transform not UP with a new epoch: $(lines_after "$mark" transform |
        tail -n 2)"
up_line=$(lines_after "$mark" transform | grep ' state=UP ' |
    grep -v " epoch=$epoch_before " | head -n 1)
up_ms=$(($(ts_ms "$(value_of " $up_line" ts)") - kill_ms))
pass "transform UP again ${up_ms} ms after the kill, epoch \
$epoch_before -> $(value_of "$up_line" epoch), restarts=1"

for name in fleet sink; do
    if lines_after 0 "$name" | grep -q ' state=DOWN '; then
        fail "$name was shown DOWN while only the transform was disturbed"
    fi
done
pass "fleet and sink stayed UP throughout"

sym_done
