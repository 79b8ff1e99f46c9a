#!/usr/bin/env bash
# test_fault_taps.sh: ten taps attach to ingest's PUB and detach again,
# round after round, during a run at 20,000 records/s; some are killed
# (-9), some stopped, some leave by themselves. Ingest keeps its pace and
# drops nothing, the sink's account is exact with nothing lost, and a tap
# that stays all along misses nothing.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
for p in s_in s_st i_st i_pub; do sym_free_port "$p"; done

start sink sink --pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db" \
    --exit-on-eos 4 --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100
watch_stats sink "$s_st"
start steady tap --stats --rcvhwm 100000 --connect ">tcp://127.0.0.1:$i_pub"
# 8 s of input. Paced records leave one or two to a message, so the
# default queue of 1,000 messages is only some 75 ms of input; a second's
# worth keeps the steady tap whole when the machine is busy.
start ingest ingest "${fault_ingest_args[@]}" --sim-count 160000 \
    --push ">tcp://127.0.0.1:$s_in" --pub "@tcp://127.0.0.1:$i_pub" \
    --sndhwm 20000 \
    --stats-pub "@tcp://127.0.0.1:$i_st" --stats-ms 100
watch_stats ingest "$i_st"
eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"

# A round: taps 0-5 print a summary each second (--stats); they are
# attached once one has been printed, then 0-2 are killed (-9) and 3-5
# stopped (TERM). Taps 6-9 print 200 records of one stream and leave.
tap_round()
{
    local round=$1 i out
    local -a pids=()
    for ((i = 0; i < 10; i++)); do
        out=$work_dir/tap$round.$i.out
        if ((i < 6)); then
            "$(sym_bin tap)" --stats --connect ">tcp://127.0.0.1:$i_pub" \
                >"$out" 2>>"$work_dir/taps.log" &
        else
            "$(sym_bin tap)" --topic tlm.sim.exp1.ch1 --count 200 \
                --connect ">tcp://127.0.0.1:$i_pub" >"$out" \
                2>>"$work_dir/taps.log" &
        fi
        pids+=("$!")
        fault_pids+=("$!")
    done
    for ((i = 0; i < 6; i++)); do
        eventually 5 grep -q ' total=[1-9]' "$work_dir/tap$round.$i.out" ||
            fail "round $round: tap $i saw nothing"
    done
    kill -9 "${pids[@]:0:3}"
    kill -TERM "${pids[@]:3:3}"
    for ((i = 3; i < 10; i++)); do
        sym_wait_pid "${pids[i]}" 5 || fail "round $round: tap $i failed"
    done
    for ((i = 6; i < 10; i++)); do
        (($(wc -l <"$work_dir/tap$round.$i.out") == 200)) ||
            fail "round $round: tap $i did not print its 200 records"
    done
    wait "${pids[@]:0:3}" 2>/dev/null || true
}

read0=$(stat_of ingest read) up0=$(stat_of ingest uptime_ms)
rounds=0
while ! stat_above ingest read 130000; do
    rounds=$((rounds + 1))
    tap_round "$rounds"
done
rate=$(rate_between "$read0" "$up0" "$(stat_of ingest read)" \
    "$(stat_of ingest uptime_ms)")
((rounds >= 3)) || fail "only $rounds rounds of taps"
within_pct "$rate" "$fault_rate" 5 ||
    fail "ingest paced $rate records/s while taps came and went"
pass "$rounds rounds of ten taps came and went; ingest kept $rate records/s"

rc=0
sym_wait_pid "$pid_sink" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc"
sym_wait_pid "$pid_ingest" 5 || fail "ingest failed"
dropped=$(($(stop_counter "$work_dir/ingest.log" drop_full) +
    $(stop_counter "$work_dir/ingest.log" drop_no_peer)))
((dropped == 0)) || fail "ingest dropped $dropped"
totals=$(check_accounts "$db" "$work_dir/ingest.log")
[[ $totals == lost=0\ * ]] || fail "the sink lost records: $totals"
pass "ingest dropped nothing and the sink's account is exact ($totals)"

# The steady tap counts each stream from the first record it saw (it
# joined as ingest started) to the last, and loses none. It reports every
# stream each second: wait until all four have ended, each counted once.
streams_ended()
{
    grep ' lost=0 duplicates=0 last_seq=40000$' "$work_dir/steady.out" |
        sed 's/.* stream=\([^ ]*\) .*/\1/' | sort -u | wc -l
}
all_ended() { (($(streams_ended) == 4)); }
eventually 5 all_ended ||
    fail "the steady tap: $(grep ' stream=' "$work_dir/steady.out" | tail -n 4)"
stop_node steady
lost=$(grep -c ' lost=[1-9]' "$work_dir/steady.out") || true
((lost == 0)) ||
    fail "the steady tap lost: $(grep ' lost=[1-9]' "$work_dir/steady.out")"
seen=$(grep ' last_seq=40000$' "$work_dir/steady.out" | tail -n 1 |
    sed 's/.* total=\([0-9]*\) .*/\1/')
pass "the tap that stayed lost none (last report: $seen records per stream)"

sym_done
