#!/usr/bin/env bash
# test_sink_restart.sh: a sink stopped mid-run (SIGTERM, then kill -9) and
# started again on the same SQLite file continues its accounts: per
# stream expected = delivered + removed + lost, delivered equals the rows
# stored, lost equals exactly what never got stored, and the end marker
# lets the restarted sink exit by itself, also when it came before.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

# One stream of 1,200 records at 200 records/s: 6 s of input.
count=1200
ingest_args=(--source sim --sim-expeditions 1 --sim-channels 1
    --sim-rate 200 --sim-count "$count")

# rows DB: data rows stored so far (0 before the table exists).
rows()
{
    query "$1" "SELECT count(*) FROM records" 2>/dev/null || echo 0
}

rows_above()
{
    local now
    now=$(rows "$1")
    ((${now:-0} > $2))
}

# start_sink NAME DB PORT: a sink pulling on PORT into DB that exits once
# one stream has ended.
start_sink()
{
    start "$1" sink --pull "@tcp://127.0.0.1:$3" --output "sqlite:$2" \
        --exit-on-eos 1
}

# check_restart DB INGEST_LOG: the accounts hold, and every sequence not
# stored, and only those, is counted lost.
check_restart()
{
    local db=$1 log=$2 stream epoch sent row
    check_accounts "$db" "$log" >/dev/null
    read -r stream epoch sent < <(sed -n 's/.*stream sent stream=\([^ ]*\) epoch=\([0-9]*\) sent=\([0-9]*\).*/\1 \2 \3/p' "$log")
    [[ -n ${sent:-} ]] || fail "ingest did not say what it sent"
    row=$(query "$db" "SELECT expected, delivered, removed, lost,
        (SELECT count(*) FROM records r WHERE r.stream = s.stream
            AND r.epoch = s.epoch),
        (SELECT count(DISTINCT seq) FROM records r WHERE r.stream = s.stream
            AND r.epoch = s.epoch)
        FROM streams s WHERE stream = '$stream' AND epoch = $epoch")
    IFS='|' read -r expected delivered removed lost stored distinct <<<"$row"
    ((expected == delivered + removed + lost)) ||
        fail "expected=$expected delivered=$delivered removed=$removed lost=$lost"
    ((delivered == stored && stored == distinct)) ||
        fail "delivered=$delivered rows=$stored distinct=$distinct"
    ((lost == sent - distinct)) ||
        fail "lost=$lost but sent=$sent and $distinct sequences stored"
    echo "sent=$sent stored=$stored lost=$lost"
}

# restart_case HOW SIGNAL ON_FULL: ingest into a sink, stop the sink with
# SIGNAL once some records are stored, start a second sink on the same
# file. With drop-newest, ingest drops what it sends while no sink is up,
# so the restarted sink has gaps to count.
restart_case()
{
    local how=$1 signal=$2 on_full=$3 db=$work_dir/$1.db sink_port rc=0 totals
    sym_free_port sink_port
    start_sink "${how}1" "$db" "$sink_port"
    local first=$!
    start "${how}src" ingest "${ingest_args[@]}" \
        --push ">tcp://127.0.0.1:$sink_port" --on-full "$on_full"
    local feeder=$!
    eventually 10 rows_above "$db" 200 || fail "$how: nothing stored"
    kill "-$signal" "$first"
    wait "$first" || rc=$?
    if [[ $signal == TERM ]]; then
        ((rc == 0)) || fail "$how: the first sink exited with $rc"
    fi
    local before
    before=$(rows "$db")
    ((before < count)) || fail "$how: the stop came after the end"
    start_sink "${how}2" "$db" "$sink_port"
    local second=$!
    rc=0
    sym_wait_pid "$second" 30 || rc=$?
    ((rc == 0)) || fail "$how: the second sink exited with $rc"
    pass "$how: the restarted sink exits by itself on the end marker"
    sym_wait_pid "$feeder" 10 || fail "$how: ingest failed"
    totals=$(check_restart "$db" "$work_dir/${how}src.log")
    grep -q "continued accounts of an earlier run accounts=1" \
        "$work_dir/${how}2.log" || fail "$how: the accounts were not loaded"
    pass "$how: accounts continue across the restart ($before rows before,\
 $totals)"
}

restart_case term TERM block
restart_case kill KILL drop-newest
lost=$(query "$work_dir/kill.db" "SELECT lost FROM streams")
((lost > 0)) || fail "ingest dropped nothing while no sink was up"
pass "gaps while no sink was up are counted lost ($lost)"

# An end marker stored by an earlier run counts toward --exit-on-eos: a
# sink started on a finished file exits without any input.
db=$work_dir/term.db
before=$(query "$db" "SELECT expected, delivered, removed, lost FROM streams")
sym_free_port sink_port
start_sink again "$db" "$sink_port"
rc=0
sym_wait_pid "$pid_again" 10 || rc=$?
((rc == 0)) || fail "a sink on a finished file exited with $rc"
after=$(query "$db" "SELECT expected, delivered, removed, lost FROM streams")
[[ $after == "$before" ]] || fail "accounts changed: $before -> $after"
pass "end markers of an earlier run count toward --exit-on-eos ($after)"

sym_done
