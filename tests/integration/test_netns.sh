#!/usr/bin/env bash
# test_netns.sh: ingest, transform and sink on three hosts, each in its
# own network namespace (a real, separate network stack) joined by veth
# pairs. The link into the transform is cut for 5 s and restored: ingest
# must not stall, the transform must resume within 2 s of the link
# coming back, and the sink's account must hold exactly, with what
# ingest dropped among the losses. Needs root (CI runs as root).
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

(($(id -u) == 0)) || fail "needs root for network namespaces"

# Names unique to this run; addresses from a private range that exists
# only inside these namespaces.
tag=$$
ns_in=sym-in-$tag
ns_tr=sym-tr-$tag
ns_sk=sym-sk-$tag
dev_in=syi$tag
dev_tra=sya$tag
dev_trb=syb$tag
dev_sk=sys$tag
ip_in=10.231.1.1
ip_tra=10.231.1.2
ip_trb=10.231.2.1
ip_sk=10.231.2.2
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
# `ip netns exec` waits for its command instead of becoming it, so the
# nodes are found by namespace: every process in these namespaces was
# started by this script.
for ns in "$ns_in" "$ns_tr" "$ns_sk"; do
    sym_cleanup_hooks+=("kill -9 \$(ip netns pids $ns)" "ip netns del $ns")
done

in_ns() { ip netns exec "$@"; }

setup_hosts() {
    local ns
    for ns in "$ns_in" "$ns_tr" "$ns_sk"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip link add "$dev_in" netns "$ns_in" type veth peer name "$dev_tra" \
        netns "$ns_tr"
    ip link add "$dev_trb" netns "$ns_tr" type veth peer name "$dev_sk" \
        netns "$ns_sk"
    ip -n "$ns_in" addr add "$ip_in/30" dev "$dev_in"
    ip -n "$ns_tr" addr add "$ip_tra/30" dev "$dev_tra"
    ip -n "$ns_tr" addr add "$ip_trb/30" dev "$dev_trb"
    ip -n "$ns_sk" addr add "$ip_sk/30" dev "$dev_sk"
    ip -n "$ns_in" link set "$dev_in" up
    ip -n "$ns_tr" link set "$dev_tra" up
    ip -n "$ns_tr" link set "$dev_trb" up
    ip -n "$ns_sk" link set "$dev_sk" up
}
setup_hosts || fail "cannot set up the namespaces"
[[ $(ip -n "$ns_tr" -br addr show "$dev_tra") == *UP*"$ip_tra/30"* ]] ||
    fail "the transform's host has no address on its link"
pass "three hosts in namespaces, joined by veth pairs"

# value NS PORT NAME: a series' value from a node's /metrics.
value() {
    in_ns "$1" curl -s "http://127.0.0.1:$2/metrics" |
        awk -v name="$3" 'index($0, name "{") == 1 { print $2 }'
}

streams=4
db=$work_dir/telemetry.db
in_ns "$ns_sk" "$(sym_bin sink)" --name sink --pull "@tcp://$ip_sk:7103" \
    --output "sqlite:$db" --exit-on-eos "$streams" --metrics-port 9101 \
    2>"$work_dir/sink.log" &
sink_pid=$!
pids+=("$sink_pid")
in_ns "$ns_tr" "$(sym_bin transform)" --name transform \
    --pull "@tcp://$ip_tra:7101" --push ">tcp://$ip_sk:7103" \
    --metrics-port 9101 2>"$work_dir/transform.log" &
pids+=($!)
# 4 streams x 100 records/s for 15 s: the cut falls in the middle.
in_ns "$ns_in" "$(sym_bin ingest)" --name ingest --source sim \
    --sim-expeditions 2 --sim-channels 2 --sim-rate 100 --sim-count 6000 \
    --on-full drop-newest --push ">tcp://$ip_tra:7101" \
    --metrics-port 9101 2>"$work_dir/ingest.log" &
ingest_pid=$!
pids+=("$ingest_pid")

flowing() { (($(value "$ns_sk" 9101 symphony_received_total || echo 0) > 200)); }
eventually 10 flowing || fail "no records reach the sink"
pass "records flow from the ingest host through the transform's to the sink's"

read_before=$(value "$ns_in" 9101 symphony_read_total)
ip -n "$ns_tr" link set "$dev_tra" down
cut_ms=$(now_ms)
# The cut lasts 5 s: this wait is the behaviour under test, not a
# synchronisation.
while (($(now_ms) - cut_ms < 5000)); do
    sleep 0.1
done
read_during=$(($(value "$ns_in" 9101 symphony_read_total) - read_before))
received_cut=$(value "$ns_sk" 9101 symphony_received_total)
ip -n "$ns_tr" link set "$dev_tra" up
up_ms=$(now_ms)

# Ingest paces 400 records/s; half of that is far from a stall.
((read_during >= 1000)) ||
    fail "ingest stalled: read $read_during records during the 5 s cut"
pass "ingest kept reading during the cut ($read_during records)"

resumed() { (($(value "$ns_sk" 9101 symphony_received_total) > received_cut)); }
eventually 10 resumed || fail "nothing reached the sink after the cut"
resume_ms=$(($(now_ms) - up_ms))
((resume_ms <= 2000)) ||
    fail "records flowed again only ${resume_ms} ms after the link came back"
pass "the transform resumed ${resume_ms} ms after the link came back"

rc=0
sym_wait_pid "$ingest_pid" 30 || rc=$?
((rc == 0)) || fail "ingest exited with $rc"
rc=0
sym_wait_pid "$sink_pid" 30 || rc=$?
((rc == 0)) || fail "sink exited with $rc: $(tail -n 3 "$work_dir/sink.log")"

query() { sqlite3 -batch -noheader "$db" "$1"; }
read -r n_streams expected delivered removed lost < <(query "SELECT
    count(*), sum(expected), sum(delivered), sum(removed), sum(lost)
    FROM streams" | tr '|' ' ')
stop_line=$(grep 'stopped why=' "$work_dir/ingest.log")
read_total=$(grep -o ' read=[0-9]*' <<<"$stop_line" | cut -d= -f2)
dropped=$(grep -o ' dropped=[0-9]*' <<<"$stop_line" | cut -d= -f2)
((n_streams == streams)) || fail "$n_streams streams in the sink's account"
((expected == read_total)) ||
    fail "the sink expects $expected records, ingest read $read_total"
((expected == delivered + removed + lost)) ||
    fail "expected $expected != delivered $delivered + removed $removed + lost $lost"
pass "sent $expected = delivered $delivered + removed $removed + lost $lost"

# Every lost record is attributed to a place: dropped by ingest (no
# peer, or its queue full), or sent on a hop and never received at the
# other end: the cut connection's buffers, given up when the ZMTP
# heartbeat timed out.
kill -TERM $(ip netns pids "$ns_tr")
eventually 5 grep -q 'stopped' "$work_dir/transform.log" ||
    fail "the transform did not stop"
field() { grep "$1" "$2" | grep -o " $3=[0-9]*" | head -n 1 | cut -d= -f2; }
ingest_sent=$(field 'stopped why=' "$work_dir/ingest.log" sent)
tr_received=$(field stopped "$work_dir/transform.log" received)
tr_sent=$(field stopped "$work_dir/transform.log" sent)
sink_received=$(field stopped "$work_dir/sink.log" received)
hop_in=$((ingest_sent - tr_received))
hop_out=$((tr_sent - sink_received))
((dropped > 0 && lost == dropped + hop_in + hop_out)) ||
    fail "lost $lost != ingest dropped $dropped + in flight to the transform $hop_in + to the sink $hop_out"
pass "lost $lost = dropped by ingest $dropped + in flight when the link was cut $hop_in + $hop_out"

sym_done
