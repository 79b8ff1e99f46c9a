#!/usr/bin/env bash
# test_bad_wire.sh: bad messages from a raw ZeroMQ peer into a real sink's
# PULL, each between two valid records: the right counter goes up, one
# warning names the peer and why, and both valid records are in SQLite.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

zmq=$build_dir/tests/sym-test-zmq
[[ -x $zmq ]] || fail "no helper at $zmq"
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
query() { sqlite3 -batch -noheader "$db" "$1"; }

# The peer connects from 127.0.0.3, so the log must name that address.
peer=127.0.0.3
start_sink()
{
    sym_free_port sink_port
    db=$work_dir/$1.db
    log=$work_dir/$1.log
    "$(sym_bin sink)" --name "bad-$1" --pull "@tcp://127.0.0.1:$sink_port" \
        --output "sqlite:$db" --flush-ms 20 2>"$log" &
    sink_pid=$!
    pids+=("$sink_pid")
    eventually 5 bash -c "ss -Hltn 'sport = :$sink_port' | grep -q ." ||
        fail "$1: the sink did not listen: $(tail -n 3 "$log")"
}

stop_sink()
{
    kill -TERM "$sink_pid"
    sym_wait_pid "$sink_pid" 10 || fail "$1: the sink failed: $(tail -n 3 "$log")"
}

# send FRAME... [. FRAME...]: one connection from the peer address.
send() { "$zmq" push "tcp://$peer:0;127.0.0.1:$sink_port" "$@" >/dev/null; }

stop_count() { grep -o " $1=[0-9]*" "$log" | tail -n 1 | cut -d= -f2; }

# case NAME COUNTER WHY FRAME...: a valid record, the bad message and a
# valid record, in that order on one connection.
bad_case()
{
    local name=$1 counter=$2 why=$3 rows
    shift 3
    start_sink "$name"
    send t=tlm.good r=good:1:1000 . "$@" . t=tlm.good r=good:2:2000
    eventually_prints 10 2 query 'SELECT count(*) FROM records' ||
        fail "$name: valid records not stored: $(tail -n 3 "$log")"
    stop_sink "$name"
    rows=$(query "SELECT group_concat(seq) FROM records WHERE stream='good'")
    [[ $rows == "1,2" ]] || fail "$name: stored '$rows', not 1,2"
    [[ $(stop_count "$counter") == 1 ]] ||
        fail "$name: $counter is not 1: $(grep stopped "$log")"
    grep "dropped malformed" "$log" | grep "peer=$peer " | grep -q "$why" ||
        fail "$name: no warning naming peer and '$why': $(grep WARN "$log")"
    [[ $(stop_count stored) == 2 ]] || fail "$name: stored != 2"
    pass "$name: counted in $counter, logged with the peer, neighbours stored"
}

bad_case empty-frames drop_frames "topic is not" e e
bad_case one-empty-frame drop_frames "one frame" e
bad_case topic-no-payload drop_frames "one frame" t=tlm.bad
bad_case empty-payload drop_decode "empty payload" t=tlm.bad e
bad_case frame-1mib drop_decode "not a map" t=tlm.bad z=1048576
frames=(t=tlm.bad r=good:9:9)
for ((i = 0; i < 98; i++)); do frames+=(e); done
bad_case frames-100 drop_frames "more than two frames" "${frames[@]}"
bad_case garbage drop_decode "invalid msgpack" t=tlm.bad h=c1c1c1c1
bad_case map-4g drop_decode "count exceeds frame" t=tlm.bad h=dfffffffff
bad_case array-4g drop_decode "count exceeds frame" t=tlm.bad h=ddffffffff00
bad_case str-4g drop_decode "length exceeds frame" t=tlm.bad h=dbffffffff41
bad_case truncated drop_decode "truncated" t=tlm.bad h=82a17601a16b
bad_case text-not-utf8 drop_decode "not UTF-8" t=tlm.bad r=bad:1:1:utf8
bad_case text-nul drop_decode "NUL" t=tlm.bad r=bad:1:1:nul
bad_case stream-nul drop_decode "NUL" t=tlm.bad r=bad:1:1:nulstream
bad_case time-beyond-int64 drop_decode "wrong type" \
    t=tlm.bad r=bad:1:u9223372036854775808

# A message above --max-msg-bytes: libzmq refuses it from its header and
# closes the connection, before anything is allocated. The peer's next
# connection is served as before.
start_sink too-big
send t=tlm.good r=good:1:1000
send t=tlm.bad z=1200000
send t=tlm.good r=good:2:2000
eventually_prints 10 2 query 'SELECT count(*) FROM records' ||
    fail "too-big: valid records not stored"
kill -0 "$sink_pid" || fail "too-big: the sink died"
stop_sink too-big
pass "a message above --max-msg-bytes is refused, the sink keeps serving"

# NaN and infinities are valid IEEE values: stored, as JSON null in the
# fields column (JSON has no NaN).
start_sink floats
send t=tlm.good r=good:1:1000 . t=tlm.f r=f:1:1:nan+f:2:1:inf+f:3:1:-inf \
    . t=tlm.good r=good:2:2000
eventually_prints 10 5 query 'SELECT count(*) FROM records' ||
    fail "floats: not all stored"
stop_sink floats
[[ $(query "SELECT group_concat(fields) FROM records WHERE stream='f'") == \
    '{"x":null},{"x":null},{"x":null}' ]] || fail "floats: fields not null"
[[ $(stop_count drop_decode) == 0 ]] || fail "floats: counted as bad"
pass "NaN and infinities are stored, as null in the fields JSON"

# Event times in 1970, 2000, before 1970, at the int64 end (2262) and
# running backwards are all stored as they came.
start_sink times
times=(0 946684800000000000 -1000000000000000000 9223372036854775807
    1700000000000000000 1600000000000000000 1)
recs=""
for i in "${!times[@]}"; do recs+="+t:$((i + 1)):${times[i]}"; done
send t=tlm.t "r=${recs#+}"
eventually_prints 10 "${#times[@]}" query 'SELECT count(*) FROM records' ||
    fail "times: not all stored"
stop_sink times
got=$(query "SELECT group_concat(event_ns, ' ') FROM
    (SELECT event_ns FROM records ORDER BY seq)")
[[ $got == "${times[*]}" ]] || fail "times: stored '$got'"
[[ $(stop_count lost) == 0 ]] || fail "times: records counted lost"
pass "times in 1970, 2000, 1938, 2262 and backwards are stored as sent"

sym_done
