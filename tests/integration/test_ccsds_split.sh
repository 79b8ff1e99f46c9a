#!/usr/bin/env bash
# test_ccsds_split.sh: real CYGNSS CCSDS packets through ingest, a
# transform that routes each packet by APID, and a sink writing one raw
# file per APID; the files must equal the reference split byte for byte,
# with no packet counted lost, strided APIDs included.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

data=$repo/tests/data/ccsds
out=$work_dir/split
sym_free_port t_port
sym_free_port s_port
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')

printf 'route topic=ccsds.{apid}\n' >"$work_dir/route.steps"

"$(sym_bin sink)" --pull "@tcp://127.0.0.1:$s_port" \
    --output "raw:$out/{topic}.tlm" --raw-field packet \
    --exit-on-eos 7 2>"$work_dir/sink.log" &
sink_pid=$!
pids+=("$sink_pid")
"$(sym_bin transform)" --pull "@tcp://127.0.0.1:$t_port" \
    --steps "$work_dir/route.steps" --push ">tcp://127.0.0.1:$s_port" \
    2>"$work_dir/transform.log" &
pids+=($!)
"$(sym_bin ingest)" \
    --source "file:$data/CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm" \
    --format ccsds --ccsds-dict "394=$data/defs/ENG_PVT.csv" \
    --push ">tcp://127.0.0.1:$t_port" 2>"$work_dir/ingest.log" &
ingest_pid=$!
pids+=("$ingest_pid")

rc=0
sym_wait_pid "$ingest_pid" 20 || rc=$?
((rc == 0)) || fail "ingest exited $rc: $(tail -n 3 "$work_dir/ingest.log")"
grep -q 'stopped why=end .*accepted=101 .*gaps=0' "$work_dir/ingest.log" ||
    fail "ingest: $(grep stopped "$work_dir/ingest.log")"
pass "ingest read 101 packets and found no CCSDS sequence gap"

rc=0
sym_wait_pid "$sink_pid" 20 || rc=$?
((rc == 0)) || fail "sink exited $rc: $(tail -n 3 "$work_dir/sink.log")"
grep -q 'stopped .* lost=0 .*eos=7' "$work_dir/sink.log" ||
    fail "sink: $(grep stopped "$work_dir/sink.log")"
pass "the sink received every APID's end of stream and counted none lost"

# One file per topic: ccsds.384.tlm holds what apid00384.tlm holds.
for reference in "$data"/split/apid*.tlm; do
    apid=${reference##*/apid}
    apid=$((10#${apid%.tlm}))
    cmp "$reference" "$out/ccsds.$apid.tlm" ||
        fail "ccsds.$apid.tlm differs from ${reference##*/}"
done
[[ $(ls "$out" | wc -l) == 7 ]] || fail "files: $(ls "$out")"
pass "the 7 per-topic files are byte-identical to the reference split"
sym_done
