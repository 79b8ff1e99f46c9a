#!/usr/bin/env bash
# test_blocked_output.sh: an output that cannot send. Under --on-full
# block the transform stays visible (stats go on) and says which output is
# stuck; under drop-oldest what its queue holds, the end-of-stream markers
# included, goes out once the consumer catches up, with no new input.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

for p in t_in s_in t_st; do sym_free_port "$p"; done

# Nothing listens on the transform's push endpoint yet.
start transform transform --pull "@tcp://127.0.0.1:$t_in" \
    --push ">tcp://127.0.0.1:$s_in" --on-full block --sndhwm 10 \
    --rcvhwm 10 --stats-pub "@tcp://127.0.0.1:$t_st" --stats-ms 200
watch_stats transform "$t_st"
start ingest ingest --source sim --sim-rate 2000 \
    --push ">tcp://127.0.0.1:$t_in" --on-full drop-newest

blocked_warn() {
    grep -q "push >tcp://127.0.0.1:$s_in has taken nothing for .* no peer is connected" \
        "$work_dir/transform.log"
}
eventually 10 blocked_warn ||
    fail "no WARN about the blocked push: $(tail -n 3 "$work_dir/transform.log")"
pass "the transform says its push has taken nothing and has no peer"

eventually 5 stat_above transform received 0 ||
    fail "no stats from the blocked transform"
report0=$(stat_of transform report)
sleep 2 # stats records come every 200 ms while the send waits
report1=$(stat_of transform report)
((report1 >= report0 + 5)) ||
    fail "stats stopped while blocked: report $report0, then $report1"
pass "a blocked transform keeps publishing its stats ($report0 -> $report1)"
stop_node ingest
stop_node transform

# drop-oldest into a sink that reads at 5,000 records/s: the transform's
# queue fills and drops; once ingest has ended, only the queue is left.
db=$work_dir/t.db
for p in t2_in s2_in; do sym_free_port "$p"; done
start sink2 sink --pull "@tcp://127.0.0.1:$s2_in" --output "sqlite:$db" \
    --max-rate 5000 --rcvhwm 10 --exit-on-eos 4
start transform2 transform --pull "@tcp://127.0.0.1:$t2_in" \
    --push ">tcp://127.0.0.1:$s2_in" --on-full drop-oldest --sndhwm 10
start ingest2 ingest "${fault_ingest_args[@]}" --sim-rate 0 \
    --sim-count 40000 --push ">tcp://127.0.0.1:$t2_in" --on-full block
sym_wait_pid "$pid_ingest2" 30 || fail "ingest did not finish"
rc=0
sym_wait_pid "$pid_sink2" 60 || rc=$?
((rc == 0)) || fail "the sink never saw the four end-of-stream markers" \
    "(exit $rc): $(grep -o 'pending[^ ]*' "$work_dir/transform2.log" | tail -n 1)"
pass "the queued end of every stream reached the sink with no new input"

stop_node transform2
totals=$(check_accounts "$db" "$work_dir/ingest2.log")
lost=${totals#lost=} lost=${lost%% *}
dropped=$(($(stop_counter "$work_dir/transform2.log" drop_full) +
    $(stop_counter "$work_dir/transform2.log" drop_no_peer)))
((dropped > 0 && lost == dropped)) ||
    fail "sink lost $lost, the transform dropped $dropped"
pass "sent = stored + removed + lost for every stream ($totals), every loss one the transform dropped"

sym_done
