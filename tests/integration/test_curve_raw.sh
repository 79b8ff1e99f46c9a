#!/usr/bin/env bash
# test_curve_raw.sh: a raw ZeroMQ client without keys against CURVE nodes
# gets no data and injects none, and a peer from an address not in
# --allow-ip is refused; each refusal is counted and logged.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

zmq=$build_dir/tests/sym-test-zmq
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
keys=$work_dir/keys
mkdir -p "$keys/allow"
for who in node ingest; do
    "$(sym_bin keygen)" --name "$who" --out "$keys/$who.cert"
done
cp "$keys/ingest.cert" "$keys/allow/"
server=(--curve-secret "$keys/node.cert_secret" --curve-allow "$keys/allow")
client=(--curve-secret "$keys/ingest.cert_secret"
    --curve-server-key "$keys/node.cert")
query() { sqlite3 -batch -noheader "$1" "$2" 2>/dev/null; }
listening() { ss -Hltn "sport = :$1" | grep -q .; }

# start_sink NAME [options]: a sink on a PULL into NAME.db; sets port.
start_sink()
{
    local name=$1
    shift
    sym_free_port sink_port
    "$(sym_bin sink)" --name "$name" --pull "@tcp://127.0.0.1:$sink_port" \
        --output "sqlite:$work_dir/$name.db" --flush-ms 20 "$@" \
        2>"$work_dir/$name.log" &
    pids+=($!)
    eventually 5 listening "$sink_port" || fail "$name did not listen"
}

refused() { grep -o 'refused_total=[0-9]*' "$1" | tail -n 1 | cut -d= -f2; }

# A plain PUSH into a CURVE sink: refused, counted, nothing stored
# (test_curve.sh shows an allowed publisher getting through).
start_sink secure "${server[@]}"
"$zmq" push "tcp://127.0.0.1:$sink_port" -t 2 t=tlm.raw r=raw:1:1 \
    >/dev/null &
pids+=($!)
eventually 10 grep -q "handshake refused" "$work_dir/secure.log" ||
    fail "no refused handshake logged: $(tail -n 3 "$work_dir/secure.log")"
[[ $(query "$work_dir/secure.db" \
    "SELECT count(*) FROM records WHERE stream='raw'") == 0 ]] ||
    fail "the plain client injected records"
(($(refused "$work_dir/secure.log") >= 1)) || fail "refusal not counted"
pass "a plain PUSH is refused and counted; nothing of it is stored"

# The allowed key gets through the same sink, so the refusal above is the
# missing key and not a sink that refuses everyone. The server's
# certificate is named by a 40-character path that is also valid Z85
# text: the file must win over reading the name as a key.
z85_name=the-server-certificate-named-in-Z85.cert
cp "$keys/node.cert" "$keys/$z85_name"
(cd "$keys" && timeout 10 "$(sym_bin ingest)" --source sim --sim-rate 1000 \
    --sim-count 200 --sim-expeditions 1 --sim-channels 1 --stream curve.ok \
    --push ">tcp://127.0.0.1:$sink_port" \
    --curve-secret "$keys/ingest.cert_secret" --curve-server-key "$z85_name" \
    2>"$work_dir/ingest-allowed.log") || fail "the allowed ingest failed"
stored_ok() {
    [[ $(query "$work_dir/secure.db" "SELECT count(*) FROM records
        WHERE stream='curve.ok'") == 200 ]]
}
eventually 5 stored_ok || fail "the allowed ingest's records were not stored"
pass "an allowed CURVE publisher gets all 200 records into the same sink"

# A plain SUB on a CURVE transform's PUB gets nothing while records flow;
# on a plain transform the same SUB gets them, so the check can fail.
for mode in secure plain; do
    sym_free_port pull_port
    sym_free_port pub_port
    opts=()
    [[ $mode == secure ]] && opts=("${server[@]}")
    "$(sym_bin transform)" --name "t-$mode" \
        --pull "@tcp://127.0.0.1:$pull_port" \
        --pub "@tcp://127.0.0.1:$pub_port" "${opts[@]}" \
        2>"$work_dir/t-$mode.log" &
    pids+=($!)
    eventually 5 listening "$pub_port" || fail "t-$mode did not listen"
    "$zmq" sub "tcp://127.0.0.1:$pub_port" 3000 >"$work_dir/sub-$mode.count" &
    sub_pid=$!
    opts=()
    [[ $mode == secure ]] && opts=("${client[@]}")
    "$(sym_bin ingest)" --source sim --sim-rate 200 --sim-count 2000 \
        --push ">tcp://127.0.0.1:$pull_port" "${opts[@]}" \
        2>"$work_dir/ingest-$mode.log" &
    pids+=($!)
    sym_wait_pid "$sub_pid" 10
done
[[ $(cat "$work_dir/sub-plain.count") -gt 0 ]] ||
    fail "the plain SUB got nothing even without CURVE"
[[ $(cat "$work_dir/sub-secure.count") == 0 ]] ||
    fail "the plain SUB received $(cat "$work_dir/sub-secure.count") messages"
eventually 5 grep -q "handshake refused" "$work_dir/t-secure.log" ||
    fail "the SUB's refusal was not logged"
pass "a plain SUB gets nothing from a CURVE PUB and is counted"

# --allow-ip without CURVE: a peer from 127.0.0.2 is refused and counted,
# one from 127.0.0.1 is stored.
start_sink byip --allow-ip 127.0.0.1
"$zmq" push "tcp://127.0.0.2:0;127.0.0.1:$sink_port" -t 2 \
    t=tlm.other r=other:1:1 >/dev/null &
pids+=($!)
eventually 10 grep -q "handshake refused" "$work_dir/byip.log" ||
    fail "127.0.0.2 not refused: $(tail -n 3 "$work_dir/byip.log")"
"$zmq" push "tcp://127.0.0.1:0;127.0.0.1:$sink_port" t=tlm.ok r=ok:1:1 \
    >/dev/null
eventually_prints 10 1 query "$work_dir/byip.db" \
    "SELECT count(*) FROM records WHERE stream='ok'" ||
    fail "the allowed address was not stored"
[[ $(query "$work_dir/byip.db" \
    "SELECT count(*) FROM records WHERE stream='other'") == 0 ]] ||
    fail "the address not allowed injected records"
(($(refused "$work_dir/byip.log") >= 1)) || fail "refusal not counted"
pass "--allow-ip refuses and counts a peer from another address"

sym_done
