#!/usr/bin/env bash
# test_fault_sink_kill.sh: ingest -> transform -> sink at 20,000 records/s;
# the sink is killed (-9) for 5 s, then restarted on its SQLite file.
# Ingest keeps its pace, the new sink receives within 1 s, and every
# stream's account holds exactly across the two runs.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
for p in t_in s_in i_st s_st; do sym_free_port "$p"; done

sink_args=(--pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db"
    --exit-on-eos 4 --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100)
start sink sink "${sink_args[@]}"
start transform transform --pull "@tcp://127.0.0.1:$t_in" \
    --steps "$repo/tests/data/faults/half.steps" \
    --push ">tcp://127.0.0.1:$s_in"
watch_stats sink "$s_st"
# 9 s of input: 1.5 s before the kill, 5 s outage, the rest after.
start ingest ingest "${fault_ingest_args[@]}" --sim-count 180000 \
    --push ">tcp://127.0.0.1:$t_in" --on-full drop-oldest \
    --stats-pub "@tcp://127.0.0.1:$i_st" --stats-ms 100
watch_stats ingest "$i_st"

eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"
pass "records flow through the pipeline"

old_epoch=$(stat_of sink epoch)
drops0=$(stat_of ingest drop_full)
drops0=${drops0:-0}
kill -9 "$pid_sink"
wait "$pid_sink" 2>/dev/null || true
# The pace is measured over a fixed stretch of the outage, which ends
# well before the input does.
sleep 0.5
read0=$(stat_of ingest read) up0=$(stat_of ingest uptime_ms)
sleep 4 # the outage itself, not a synchronisation
read1=$(stat_of ingest read) up1=$(stat_of ingest uptime_ms)
rate=$(rate_between "$read0" "$up0" "$read1" "$up1")
within_pct "$rate" "$fault_rate" 5 ||
    fail "ingest paced $rate records/s while the sink was dead"
pass "ingest kept its pace while the sink was dead: $rate records/s"
# The transform blocks on its dead consumer, so the backpressure reaches
# ingest, which drops at its edge instead of slowing down. The socket
# buffers in between hold some seconds of input first (1.5 to 5 s here,
# most of it in the kernel's TCP buffers); drops before the kill, while
# the connections came up, do not count.
eventually 3 stat_above ingest drop_full "$drops0" ||
    fail "ingest did not count drops while the sink was dead"
pass "ingest dropped at its edge while the sink was dead"

# new_sink_receives: the latest stats record is the new run's and it has
# received records.
new_sink_receives()
{
    [[ $(stat_of sink epoch) != "$old_epoch" ]] && stat_above sink received 0
}
# Seen through the new sink's own stats: its start, the transform's
# reconnect, the tap's reconnect to the new stats socket and the first
# 100 ms report all count against the second.
t0=$(now_ms)
start sink sink "${sink_args[@]}"
took=$(ms_until 3000 "$t0" new_sink_receives) ||
    fail "the restarted sink received nothing within 3 s"
((took <= 1000)) || fail "the restarted sink took $took ms to receive"
pass "the restarted sink receives within 1 s ($took ms)"

rc=0
sym_wait_pid "$pid_sink" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc"
sym_wait_pid "$pid_ingest" 5 || fail "ingest failed"
stop_node transform
grep -q "continued accounts of an earlier run accounts=4" \
    "$work_dir/sink.log" || fail "the restarted sink did not continue"

totals=$(check_accounts "$db" "$work_dir/ingest.log")
lost=${totals#lost=} lost=${lost%% *}
dropped=$(($(stop_counter "$work_dir/ingest.log" drop_full) +
    $(stop_counter "$work_dir/ingest.log" drop_no_peer)))
((dropped > 0 && lost >= dropped)) ||
    fail "sink lost $lost, ingest dropped $dropped"
pass "sent = stored + removed + lost for every stream ($totals,\
 ingest dropped $dropped, $((lost - dropped)) died in the transform and\
 the killed sink)"

sym_done
