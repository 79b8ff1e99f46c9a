#!/usr/bin/env bash
# test_fault_transform_kill.sh: ingest -> transform -> sink at 20,000
# records/s; the transform is killed (-9) for 5 s, then restarted. Ingest
# keeps its pace, the transform receives again within 1 s, and every
# stream's account holds exactly at the sink.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
steps=$repo/tests/data/faults/half.steps
for p in t_in s_in i_st s_st; do sym_free_port "$p"; done

start sink sink --pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db" \
    --exit-on-eos 4 --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100
transform_args=(--pull "@tcp://127.0.0.1:$t_in" --steps "$steps"
    --push ">tcp://127.0.0.1:$s_in")
start transform transform "${transform_args[@]}"
watch_stats sink "$s_st"
# 9 s of input: 1.5 s before the kill, 5 s outage, the rest after.
start ingest ingest "${fault_ingest_args[@]}" --sim-count 180000 \
    --push ">tcp://127.0.0.1:$t_in" --on-full drop-oldest \
    --stats-pub "@tcp://127.0.0.1:$i_st" --stats-ms 100
watch_stats ingest "$i_st"

eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"
pass "records flow through the pipeline"

kill -9 "$pid_transform"
eventually 2 stat_above ingest drop_no_peer 0 ||
    fail "ingest did not count drops without a peer"
read0=$(stat_of ingest read) up0=$(stat_of ingest uptime_ms)
sleep 4.5 # the outage itself, not a synchronisation
read1=$(stat_of ingest read) up1=$(stat_of ingest uptime_ms)
rate=$(rate_between "$read0" "$up0" "$read1" "$up1")
within_pct "$rate" "$fault_rate" 5 ||
    fail "ingest paced $rate records/s during the outage"
pass "ingest kept its pace during the outage: $rate records/s"

# From the moment the restart is asked for, the clock runs through the
# process start, ingest's reconnect, the transform passing records on,
# the sink's next stats record (every 100 ms) and the tap printing it:
# what the sink sees is an upper bound of when the transform received.
received=$(stat_of sink received)
t0=$(now_ms)
start transform transform "${transform_args[@]}"
took=$(ms_until 3000 "$t0" stat_above sink received "$received") ||
    fail "nothing came through within 3 s of the restart"
((took <= 1000)) || fail "the restarted transform took $took ms"
pass "the restarted transform passes records on within 1 s ($took ms)"

rc=0
sym_wait_pid "$pid_sink" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc"
sym_wait_pid "$pid_ingest" 5 || fail "ingest failed"
stop_node transform

totals=$(check_accounts "$db" "$work_dir/ingest.log")
lost=${totals#lost=} lost=${lost%% *}
dropped=$(($(stop_counter "$work_dir/ingest.log" drop_no_peer) +
    $(stop_counter "$work_dir/ingest.log" drop_full)))
((dropped > 0 && lost >= dropped)) ||
    fail "sink lost $lost, ingest dropped $dropped"
pass "sent = stored + removed + lost for every stream ($totals,\
 ingest dropped $dropped, $((lost - dropped)) died in the transform)"

sym_done
