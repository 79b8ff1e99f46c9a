#!/usr/bin/env bash
# test_fault_ingest_restart.sh: ingest is killed (-9) and restarted. The
# consumers see a new epoch, count no false gap, and go on.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
for p in t_in s_in s_st i_pub; do sym_free_port "$p"; done

start sink sink --pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db" \
    --exit-on-eos 4 --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100
start transform transform --pull "@tcp://127.0.0.1:$t_in" \
    --push ">tcp://127.0.0.1:$s_in"
watch_stats sink "$s_st"
"$(sym_bin tap)" --stats --rcvhwm 100000 --connect ">tcp://127.0.0.1:$i_pub" \
    >"$work_dir/tap.out" 2>"$work_dir/tap.log" &
fault_pids+=("$!")
ingest_args=("${fault_ingest_args[@]}" --push ">tcp://127.0.0.1:$t_in"
    --pub "@tcp://127.0.0.1:$i_pub")

start ingest ingest "${ingest_args[@]}"
eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"
kill -9 "$pid_ingest"
wait "$pid_ingest" 2>/dev/null || true
first=$(stat_of sink received)
start ingest ingest "${ingest_args[@]}" --sim-count 40000
eventually 2 stat_above sink received "$first" ||
    fail "nothing came from the restarted ingest"
pass "the restarted ingest's records reach the sink"

rc=0
sym_wait_pid "$pid_sink" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc"
stop_node transform

epochs=$(query "$db" "SELECT count(DISTINCT epoch) FROM streams")
((epochs == 2)) || fail "the sink saw $epochs epochs"
lost=$(query "$db" "SELECT sum(lost) FROM streams")
((lost == 0)) || fail "false gaps: $(query "$db" 'SELECT * FROM streams')"
pass "the sink accounts two epochs per stream with no gap"

check_accounts "$db" "$work_dir/ingest.log" >/dev/null
pass "the new epoch's account holds exactly"

# A PUB drops for a subscriber that falls behind, which the tap rightly
# counts; the new epoch must start a fresh account with no gap in it.
new_epoch=$(sed -n 's/.*stream sent stream=[^ ]* epoch=\([0-9]*\).*/\1/p' \
    "$work_dir/ingest.log" | head -n 1)
grep -q "epoch=$new_epoch .*lost=0" "$work_dir/tap.out" ||
    fail "the tap did not see the new epoch: $(tail -n 5 "$work_dir/tap.out")"
! grep -q "epoch=$new_epoch .* lost=[1-9]" "$work_dir/tap.out" ||
    fail "the tap counted a gap: $(grep ' lost=[1-9]' "$work_dir/tap.out")"
pass "the tap follows the new epoch and counts no gap in it"

sym_done
