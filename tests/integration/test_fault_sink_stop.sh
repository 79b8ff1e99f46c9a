#!/usr/bin/env bash
# test_fault_sink_stop.sh: the sink hangs (SIGSTOP) for 5 s at 20,000
# records/s, then continues. Ingest keeps its pace and every stream's
# account holds exactly at the sink.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
for p in t_in s_in i_st s_st; do sym_free_port "$p"; done

# Small queues and kernel buffers on the hung edge: under load batches
# grow, and default buffers could hold the whole 5 s, so backpressure
# would never reach ingest and the test would not see it. Not below the
# loopback segment size (64 KiB), where a refilled connection crawls.
start sink sink --pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db" \
    --exit-on-eos 4 --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100 \
    --rcvhwm 100 --rcvbuf 131072
start transform transform --pull "@tcp://127.0.0.1:$t_in" \
    --steps "$repo/tests/data/faults/half.steps" \
    --push ">tcp://127.0.0.1:$s_in" --rcvhwm 100 --sndhwm 100 --sndbuf 131072
watch_stats sink "$s_st"
start ingest ingest "${fault_ingest_args[@]}" --sim-count 180000 \
    --push ">tcp://127.0.0.1:$t_in" --on-full drop-oldest \
    --stats-pub "@tcp://127.0.0.1:$i_st" --stats-ms 250
watch_stats ingest "$i_st"

eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"
pass "records flow through the pipeline"

kill -STOP "$pid_sink"
eventually 3 stat_above ingest read 0 || fail "no stats from ingest"
read0=$(stat_of ingest read) up0=$(stat_of ingest uptime_ms)
sleep 5 # the hang itself, not a synchronisation
read1=$(stat_of ingest read) up1=$(stat_of ingest uptime_ms)
received=$(stat_of sink received)
kill -CONT "$pid_sink"
rate=$(rate_between "$read0" "$up0" "$read1" "$up1")
within_pct "$rate" "$fault_rate" 5 ||
    fail "ingest paced $rate records/s while the sink hung"
pass "ingest kept its pace while the sink hung: $rate records/s"

eventually 2 stat_above sink received "$received" ||
    fail "the sink did not receive again after SIGCONT"
pass "the sink receives again once continued"

rc=0
sym_wait_pid "$pid_sink" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc"
sym_wait_pid "$pid_ingest" 5 || fail "ingest failed"
stop_node transform

totals=$(check_accounts "$db" "$work_dir/ingest.log")
lost=${totals#lost=} lost=${lost%% *}
dropped=$(($(stop_counter "$work_dir/ingest.log" drop_full) +
    $(stop_counter "$work_dir/ingest.log" drop_no_peer)))
# A 5 s hang is shorter than the heartbeat timeout (10 s), so the hung
# sink's connection stays up: backpressure reached ingest, which dropped
# what it could not send, and nothing else went missing.
((dropped > 0 && lost == dropped)) ||
    fail "sink lost $lost, ingest dropped $dropped"
pass "sent = stored + removed + lost for every stream ($totals),\
 every loss is one ingest dropped and counted"

sym_done
