#!/usr/bin/env bash
# test_bad_text.sh: CSV and JSON lines files with bad lines between good
# ones, through a real ingest into a real sink: each bad line is counted
# (bad=), logged with its file and line, and the good lines are stored.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
db=$work_dir/text.db
query() { sqlite3 -batch -noheader "$db" "$1" 2>/dev/null; }
sym_free_port sink_port
"$(sym_bin sink)" --pull "@tcp://127.0.0.1:$sink_port" --output "sqlite:$db" \
    --flush-ms 20 2>"$work_dir/sink.log" &
pids+=($!)
eventually 5 bash -c "ss -Hltn 'sport = :$sink_port' | grep -q ." ||
    fail "the sink did not start"

# ingest NAME FILE [options]: read FILE into the sink as stream NAME.
ingest()
{
    local name=$1 file=$2
    shift 2
    timeout 10 "$(sym_bin ingest)" --source "file:$file" --stream "$name" \
        --topic "tlm.$name" --push ">tcp://127.0.0.1:$sink_port" "$@" \
        2>"$work_dir/$name.log" || fail "$name: ingest failed"
}

rows() { query "SELECT count(*) FROM records WHERE stream='$1'"; }

# text_case NAME EXT REASON CONTENT: one line of CONTENT is bad (3 of a
# CSV file, after its header; 2 of JSON lines), the lines around it good.
text_case()
{
    local name=$1 ext=$2 reason=$3 file=$work_dir/$1.$2 log line=2
    [[ $ext == csv ]] && line=3
    printf '%b' "$4" >"$file"
    ingest "$name" "$file"
    log=$work_dir/$name.log
    grep -q " bad=1 " "$log" || fail "$name: not counted: $(tail -n 1 "$log")"
    grep -q "bad input file=$file line=$line reason=$reason" "$log" ||
        fail "$name: no warning with file and line: $(grep WARN "$log")"
    eventually_prints 10 2 rows "$name" ||
        fail "$name: good lines not stored ($(rows "$name"))"
    pass "$name: counted, logged at $(basename "$file"):$line, neighbours stored"
}

csv='n,note\n1,before\n'
text_case csv-nul csv text-not-utf8 "${csv}2,a\\0000b\n3,after\n"
text_case csv-utf8 csv text-not-utf8 "${csv}2,ok\\0377\\0376\n3,after\n"
text_case csv-short-row csv wrong-column-count "${csv}2\n3,after\n"
json='{"n":1}\n'
text_case json-nul jsonl malformed-json "${json}{\"n\":2,\"x\":\"a\\\\u0000b\"}\n{\"n\":3}\n"
text_case json-raw-nul jsonl malformed-json "${json}{\"n\":2,\"x\":\"a\\0000b\"}\n{\"n\":3}\n"
text_case json-utf8 jsonl malformed-json "${json}{\"n\":2,\"x\":\"\\0377\"}\n{\"n\":3}\n"
text_case json-bigint jsonl malformed-json "${json}{\"n\":18446744073709551616}\n{\"n\":3}\n"
text_case json-nan jsonl malformed-json "${json}{\"n\":NaN}\n{\"n\":3}\n"
text_case json-inf jsonl malformed-json "${json}{\"n\":-Infinity}\n{\"n\":3}\n"

# A file cut mid-line: the last, partial line is set aside, the lines
# before it are stored.
printf '{"n":1}\n{"n":2}\n{"n":3,"no' >"$work_dir/cut.jsonl"
ingest json-cut "$work_dir/cut.jsonl"
grep -q "bad input file=$work_dir/cut.jsonl line=3 reason=malformed-json" \
    "$work_dir/json-cut.log" || fail "json-cut: not logged"
eventually_prints 10 2 rows json-cut || fail "json-cut: not stored"
printf 'n,note,t\n1,a,x\n2,b,y\n3,"unterminat' >"$work_dir/cut.csv"
ingest csv-cut "$work_dir/cut.csv"
grep -q "bad input file=$work_dir/cut.csv line=4 reason=wrong-column-count" \
    "$work_dir/csv-cut.log" || fail "csv-cut: not logged"
eventually_prints 10 2 rows csv-cut || fail "csv-cut: not stored"
pass "a truncated last line is set aside, the lines before it stored"

# CSV numbers beyond 64 bits become the nearest double; nan and inf stay
# text, since only decimal numbers are taken as numbers.
printf 'n,big\n1,18446744073709551616\n2,-99999999999999999999\n3,nan\n4,inf\n5,1e999\n' \
    >"$work_dir/numbers.csv"
ingest csv-numbers "$work_dir/numbers.csv"
eventually_prints 10 5 rows csv-numbers || fail "csv-numbers: not stored"
got=$(query "SELECT group_concat(json_extract(fields, '\$.big'), ' ') FROM
    (SELECT fields FROM records WHERE stream='csv-numbers' ORDER BY seq)")
[[ $got == "1.84467440737096e+19 -1.0e+20 nan inf 1e999" ]] ||
    fail "csv-numbers: stored '$got'"
pass "CSV integers beyond 64 bits are stored as doubles, nan/inf as text"

# Event times in 1970, 2000 and running backwards are stored as given; a
# time beyond what int64 ns holds (year 3000) falls back to the read
# time, said once with file and line.
printf 'n,t\n1,1970-01-01T00:00:00Z\n2,2000-01-01T00:00:00Z\n3,1999-12-31T23:59:59Z\n4,3000-01-01T00:00:00Z\n5,1\n' \
    >"$work_dir/times.csv"
ingest times "$work_dir/times.csv" --time-field t
eventually_prints 10 5 rows times || fail "times: not stored"
got=$(query "SELECT group_concat(event_ns, ' ') FROM
    (SELECT event_ns FROM records WHERE stream='times' AND seq != 4
     ORDER BY seq)")
[[ $got == "0 946684800000000000 946684799000000000 1000000000" ]] ||
    fail "times: stored '$got'"
future=$(query "SELECT event_ns > 1700000000000000000 AND
    event_ns < 4102444800000000000 FROM records WHERE stream='times' AND seq=4")
[[ $future == 1 ]] || fail "times: year 3000 not stored at the read time"
grep -q "no usable event time, using read time file=$work_dir/times.csv line=5" \
    "$work_dir/times.log" || fail "times: year 3000 not logged"
pass "times in 1970, 2000 and backwards stored; year 3000 at the read time"

sym_done
