#!/usr/bin/env bash
# test_fault_slow_sink.sh: a slow database. Two sinks subscribe to the
# same PUB at 20,000 records/s, one of them throttled to 1 % of that.
# Ingest and the fast sink keep full rate and lose nothing; the slow sink
# counts its own losses and names the input edge they showed on.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

fast_db=$work_dir/fast.db slow_db=$work_dir/slow.db
for p in t_in t_pub i_st f_st s_st; do sym_free_port "$p"; done
slow_rate=$((fault_rate / 100))

# A slow subscriber notices a loss only when it reads the records after
# it, behind everything its edge holds: the PUB's queue (--sndhwm
# messages), both kernel socket buffers (on loopback they grow to MiBs)
# and its own queue (--rcvhwm). Small buffers make it notice within
# seconds; the PUB keeps its default queue (paced records go one or two to
# a message, so that is well under a second of input for the fast sink).
start transform transform --pull "@tcp://127.0.0.1:$t_in" \
    --pub "@tcp://127.0.0.1:$t_pub" --sndbuf 16384
# The fast sink takes its stalls (a WAL checkpoint, a busy machine) in a
# deep queue of its own.
start fast sink --sub ">tcp://127.0.0.1:$t_pub" --output "sqlite:$fast_db" \
    --rcvhwm 100000 --exit-on-eos 4 \
    --stats-pub "@tcp://127.0.0.1:$f_st" --stats-ms 100
start slow sink --sub ">tcp://127.0.0.1:$t_pub" --output "sqlite:$slow_db" \
    --max-rate "$slow_rate" --rcvhwm 10 --rcvbuf 16384 \
    --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100
watch_stats fast "$f_st"
watch_stats slow "$s_st"
# Sinks account from sequence 1, and a PUB sends only to subscribers
# that are there: both must be connected before the first record.
subscribers()
{
    (($(ss -Htn state established "sport = :$t_pub" | wc -l) == 2))
}
eventually 5 subscribers || fail "the sinks did not connect"

# 6 s of input.
start ingest ingest "${fault_ingest_args[@]}" --sim-count 120000 \
    --push ">tcp://127.0.0.1:$t_in" \
    --stats-pub "@tcp://127.0.0.1:$i_st" --stats-ms 100
watch_stats ingest "$i_st"
eventually 3 stat_above ingest read 10000 || fail "ingest did not start"
read0=$(stat_of ingest read) up0=$(stat_of ingest uptime_ms)
f_read0=$(stat_of fast received) f_up0=$(stat_of fast uptime_ms)
eventually 8 stat_above ingest read 100000 || fail "ingest stalled"
rate=$(rate_between "$read0" "$up0" "$(stat_of ingest read)" \
    "$(stat_of ingest uptime_ms)")
f_rate=$(rate_between "$f_read0" "$f_up0" "$(stat_of fast received)" \
    "$(stat_of fast uptime_ms)")
within_pct "$rate" "$fault_rate" 5 ||
    fail "ingest paced $rate records/s beside a slow sink"
# Above the rate is a backlog of its own drained; below would be lag.
((f_rate * 100 >= fault_rate * 95)) ||
    fail "the fast sink received $f_rate records/s beside a slow one"
pass "beside a slow sink, ingest reads $rate and the fast sink receives\
 $f_rate records/s"
# At 1 % of the rate, working through the edge's backlog takes seconds.
eventually 25 stat_above slow gaps 0 || fail "the slow sink saw no gap"

rc=0
sym_wait_pid "$pid_fast" 30 || rc=$?
((rc == 0)) || fail "the fast sink exited with $rc"
sym_wait_pid "$pid_ingest" 5 || fail "ingest failed"
dropped=$(($(stop_counter "$work_dir/ingest.log" drop_full) +
    $(stop_counter "$work_dir/ingest.log" drop_no_peer)))
((dropped == 0)) || fail "ingest dropped $dropped"
totals=$(check_accounts "$fast_db" "$work_dir/ingest.log")
[[ $totals == lost=0\ * ]] || fail "the fast sink lost records: $totals"
pass "ingest dropped nothing; the fast sink lost nothing ($totals)"

# The slow sink is still working through its backlog: a stop must not
# wait for it.
stop_node slow
stop_node transform
lost=0
while IFS='|' read -r stream epoch expected delivered removed slost; do
    sent=$(sed -n "s/.*stream sent stream=$stream epoch=$epoch sent=\([0-9]*\).*/\1/p" \
        "$work_dir/ingest.log")
    have=$(query "$slow_db" "SELECT count(DISTINCT seq) FROM records
        WHERE stream = '$stream' AND epoch = $epoch")
    removals=$(query "$slow_db" "SELECT coalesce(sum(count), 0) FROM removals
        WHERE stream = '$stream' AND epoch = $epoch")
    # What it saw of the stream ends at the last sequence that reached it;
    # within that, every sequence is stored, removed or counted lost.
    ((expected <= sent && delivered == have && removed == removals &&
        expected == have + removals + slost)) ||
        fail "slow $stream: sent=$sent expected=$expected stored=$have" \
            "delivered=$delivered removed=$removed/$removals lost=$slost"
    lost=$((lost + slost))
done < <(query "$slow_db" "SELECT stream, epoch, expected, delivered,
    removed, lost FROM streams")
((lost > 0)) || fail "the slow sink counted no loss"
edge="input=sub:>tcp://127.0.0.1:$t_pub or upstream of it"
grep -q "records lost on the edge into $edge lost_on_input=$lost\$" \
    "$work_dir/slow.log" ||
    fail "the slow sink did not name its input:" \
        "$(grep input: "$work_dir/slow.log")"
grep -q "WARN .* input=sub:>tcp://127.0.0.1:$t_pub .* gap=[1-9]" \
    "$work_dir/slow.log" || fail "no WARN line named the gap as it came"
fast_gaps=$(stat_of fast gaps)
((fast_gaps == 0)) || fail "the fast sink reported gaps=$fast_gaps"
! grep -q "input: records" "$work_dir/fast.log" ||
    fail "the fast sink named a loss: $(grep input: "$work_dir/fast.log")"
pass "the slow sink reports lost=$lost on its own input edge, and only there"

sym_done
