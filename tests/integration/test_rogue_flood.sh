#!/usr/bin/env bash
# test_rogue_flood.sh: a rogue peer floods a sink's PULL with garbage at
# full speed while ingest sends valid records into the same socket at a
# set pace: the valid traffic keeps at least half its rate, every valid
# record is stored, and the sink's memory stays flat.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

zmq=$build_dir/tests/sym-test-zmq
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
# A JSON lines file and not SQLite: SQLite's page cache grows with the
# data (up to its set size), which would hide what the flood costs.
out=$work_dir/flood.jsonl
stored_count() { grep -c '"kind":"data"' "$out" 2>/dev/null || true; }

sym_free_port sink_port
sym_free_port http_port
"$(sym_bin sink)" --pull "@tcp://127.0.0.1:$sink_port" --output "jsonl:$out" \
    --metrics-port "$http_port" 2>"$work_dir/sink.log" &
sink_pid=$!
pids+=("$sink_pid")
eventually 5 bash -c "ss -Hltn 'sport = :$sink_port' | grep -q ." ||
    fail "the sink did not listen"

# 10 streams of 2,000 records/s: 20,000 records/s for 4 s.
rate=20000
count=80000
nominal_s=$((count / rate))
"$zmq" push "tcp://127.0.0.2:0;127.0.0.1:$sink_port" -t $((nominal_s + 3)) \
    t=tlm.rogue h=c1c1c1c1c1c1c1c1 . e . t=tlm.rogue z=4096 \
    >"$work_dir/flood.count" &
flood_pid=$!
pids+=("$flood_pid")
eventually 5 grep -q "peer=127.0.0.2" "$work_dir/sink.log" ||
    fail "the flood did not reach the sink"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$sink_pid/status"; }
rss_start=$(rss_kib)
start_ms=$(now_ms)
"$(sym_bin ingest)" --source sim --sim-expeditions 2 --sim-channels 5 \
    --sim-rate $((rate / 10)) --sim-count $count \
    --push ">tcp://127.0.0.1:$sink_port" 2>"$work_dir/ingest.log" &
ingest_pid=$!
pids+=("$ingest_pid")
samples=()
while kill -0 "$ingest_pid" 2>/dev/null; do
    samples+=("$(rss_kib)")
    sleep 0.5
done
wait "$ingest_pid" || fail "ingest failed: $(tail -n 2 "$work_dir/ingest.log")"
stored() { [[ $(stored_count) == "$count" ]]; }
eventually 20 stored || fail "stored $(stored_count) of $count"
elapsed_ms=$(($(now_ms) - start_ms))
kill -0 "$flood_pid" 2>/dev/null ||
    fail "the flood ended before the valid records were stored"
valid_rate=$((count * 1000 / elapsed_ms))
printf '# valid %d records/s under the flood (paced at %d), RSS %s KiB\n' \
    "$valid_rate" "$rate" "${samples[*]}"
((valid_rate * 2 >= rate)) ||
    fail "valid traffic kept $valid_rate of $rate records/s"
pass "valid traffic keeps $valid_rate of $rate records/s under the flood"

sym_wait_pid "$flood_pid" 20
sent=$(cat "$work_dir/flood.count")
counter()
{
    curl -fsS "http://127.0.0.1:$http_port/metrics" |
        awk -v name="symphony_$1_total" '$1 ~ "^"name"[{ ]" {print $2}'
}
# What the flood queued is still being read after it exits.
all_counted()
{
    decode=$(counter drop_decode)
    frames=$(counter drop_frames)
    ((decode + frames == sent))
}
eventually 10 all_counted ||
    fail "garbage not all counted: sent $sent, counted $((decode + frames)):" \
        "$(curl -fsS "http://127.0.0.1:$http_port/metrics" | grep '_total')"
printf '# flood sent %s messages; drop_decode=%s drop_frames=%s\n' \
    "$sent" "$decode" "$frames"
((sent > count)) || fail "the flood was too slow to judge: $sent messages"
pass "every garbage message is counted"

# Flat: the run never grows more than 16 MiB above the first sample (the
# receive queues are bounded).
peak=0
for kib in "${samples[@]}"; do ((kib > peak)) && peak=$kib; done
((peak - rss_start < 16384)) ||
    fail "RSS grew from $rss_start to $peak KiB: ${samples[*]}"
pass "the sink's RSS stays flat: $rss_start KiB at start, peak $peak KiB"

sym_done
