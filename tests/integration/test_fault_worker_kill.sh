#!/usr/bin/env bash
# test_fault_worker_kill.sh: three transform workers behind one PUSH; one
# is killed (-9) with records queued in it. The other two take its share
# at once, and the sink reports exactly the records that went missing,
# by stream.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
for p in w1 w2 w3 s_in s_st i_st; do sym_free_port "$p"; done

start sink sink --pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db" \
    --exit-on-eos 4 --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100
for w in w1 w2 w3; do
    start "$w" transform --pull "@tcp://127.0.0.1:${!w}" \
        --steps "$repo/tests/data/faults/half.steps" \
        --push ">tcp://127.0.0.1:$s_in"
done
watch_stats sink "$s_st"
# Blocking: with two workers left, ingest never has to drop.
start ingest ingest "${fault_ingest_args[@]}" --sim-count 120000 \
    --push ">tcp://127.0.0.1:$w1,>tcp://127.0.0.1:$w2,>tcp://127.0.0.1:$w3" \
    --stats-pub "@tcp://127.0.0.1:$i_st" --stats-ms 100
watch_stats ingest "$i_st"

eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"
# Hang the worker first so that records are queued in it when it dies.
kill -STOP "$pid_w2"
eventually 3 stat_above ingest read 30000 || fail "ingest stalled"
kill -9 "$pid_w2"
t_kill=$(now_ms)
# From 1 s after the kill on, the two workers left must carry the whole
# input: the sink receives at the input rate (or faster, while a backlog
# drains), seen through its stats every 100 ms.
while (($(now_ms) < t_kill + 1000)); do sleep 0.02; done
read0=$(stat_of sink received) up0=$(stat_of sink uptime_ms)
i_read0=$(stat_of ingest read) i_up0=$(stat_of ingest uptime_ms)
sleep 1.5 # the window measured, not a synchronisation
rate=$(rate_between "$read0" "$up0" "$(stat_of sink received)" \
    "$(stat_of sink uptime_ms)")
((rate * 100 >= fault_rate * 95)) ||
    fail "1 s after the kill the sink received only $rate records/s"
i_rate=$(rate_between "$i_read0" "$i_up0" "$(stat_of ingest read)" \
    "$(stat_of ingest uptime_ms)")
# Above the pace is ingest catching up on a moment it was held back.
((i_rate * 100 >= fault_rate * 95)) ||
    fail "ingest slowed to $i_rate records/s"
pass "1 s after the kill two workers carry it all: sink $rate,\
 ingest $i_rate records/s"

rc=0
sym_wait_pid "$pid_sink" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc"
sym_wait_pid "$pid_ingest" 5 || fail "ingest failed"
stop_node w1
stop_node w3

dropped=$(($(stop_counter "$work_dir/ingest.log" drop_full) +
    $(stop_counter "$work_dir/ingest.log" drop_no_peer)))
((dropped == 0)) || fail "ingest dropped $dropped"
totals=$(check_accounts "$db" "$work_dir/ingest.log")
lost=${totals#lost=} lost=${lost%% *}
((lost > 0)) || fail "nothing was queued in the dead worker"
# What really went missing: sequence numbers neither stored nor removed.
missing=0
while IFS='|' read -r stream epoch; do
    sent=$(sed -n "s/.*stream sent stream=$stream epoch=$epoch sent=\([0-9]*\).*/\1/p" \
        "$work_dir/ingest.log")
    have=$(query "$db" "SELECT count(DISTINCT seq) FROM records
        WHERE stream = '$stream' AND epoch = $epoch")
    removed=$(query "$db" "SELECT coalesce(sum(count), 0) FROM removals
        WHERE stream = '$stream' AND epoch = $epoch")
    account=$(query "$db" "SELECT lost FROM streams
        WHERE stream = '$stream' AND epoch = $epoch")
    ((account == sent - have - removed)) ||
        fail "$stream: reported lost $account, missing $((sent - have - removed))"
    missing=$((missing + account))
done < <(query "$db" "SELECT stream, epoch FROM streams")
((missing == lost)) || fail "missing $missing, lost $lost"
pass "the sink reports the $lost records that died in the worker, by stream"

sym_done
