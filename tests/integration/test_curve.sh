#!/usr/bin/env bash
# test_curve.sh: CURVE on real nodes over loopback: an allowed tap and
# publisher get through, a tap or publisher with another key is refused
# and counted, and the bytes on the wire are ciphertext.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')
keys=$work_dir/keys
mkdir -p "$keys/allow"
keygen=$(sym_bin keygen)
for who in transform ingest tap rogue; do
    "$keygen" --name "$who" --out "$keys/$who.cert"
done
cp "$keys/ingest.cert" "$keys/tap.cert" "$keys/allow/"

# A record whose text must never be seen on the wire under CURVE.
secret_text="plain-marker-$RANDOM$RANDOM"
csv=$work_dir/in.csv
{
    echo "n,note"
    for i in $(seq 1 50); do echo "$i,$secret_text"; done
} >"$csv"

# A raw TCP relay that copies every byte it forwards into a file, so the
# test sees exactly what crossed the loopback.
relay()
{
    exec python3 - "$@" <<'PY'
import socket, sys, threading
listen, target, dump = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen))
server.listen(8)
out = open(dump, "ab", buffering=0)
def pump(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            out.write(data)
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", target))
    for a, b in ((client, upstream), (upstream, client)):
        threading.Thread(target=pump, args=(a, b), daemon=True).start()
PY
}

# start_transform NAME [curve options...]: a transform with a PULL and a
# PUB; sets pull_port, pub_port and relay_port (a relay into the PULL).
start_transform()
{
    local name=$1
    shift
    sym_free_port pull_port
    sym_free_port pub_port
    sym_free_port relay_port
    "$(sym_bin transform)" --name "$name" --log-level info \
        --pull "@tcp://127.0.0.1:$pull_port" \
        --pub "@tcp://127.0.0.1:$pub_port" "$@" \
        2>"$work_dir/$name.log" &
    pids+=($!)
    eventually 5 bash -c "ss -Hltn 'sport = :$pull_port' | grep -q . &&
        ss -Hltn 'sport = :$pub_port' | grep -q ." ||
        fail "transform $name did not start: $(tail -n 3 "$work_dir/$name.log")"
    relay "$relay_port" "$pull_port" "$work_dir/$name.wire" &
    pids+=($!)
    eventually 5 bash -c "ss -Hltn 'sport = :$relay_port' | grep -q ." ||
        fail "relay for $name did not listen"
}

# send PORT KEY...: push the CSV through ingest into PORT.
send()
{
    local port=$1 log=$2
    shift 2
    # Bounded, so a transform that went away fails the test, not hangs it.
    timeout 60 "$(sym_bin ingest)" --source "file:$csv" --stream curve.test \
        --topic tlm.curve --speed max --linger-ms 2000 \
        --push ">tcp://127.0.0.1:$port" "$@" 2>"$log"
}

server=(--curve-secret "$keys/transform.cert_secret"
    --curve-allow "$keys/allow")
start_transform secure "${server[@]}"
secure_pub=$pub_port
secure_relay=$relay_port

"$(sym_bin tap)" --connect ">tcp://127.0.0.1:$secure_pub" --count 50 \
    --curve-secret "$keys/tap.cert_secret" \
    --curve-server-key "$keys/transform.cert" \
    >"$work_dir/tap.out" 2>"$work_dir/tap.log" &
tap_pid=$!
pids+=("$tap_pid")
"$(sym_bin tap)" --connect ">tcp://127.0.0.1:$secure_pub" \
    --curve-secret "$keys/rogue.cert_secret" \
    --curve-server-key "$keys/transform.cert" \
    >"$work_dir/rogue-tap.out" 2>"$work_dir/rogue-tap.log" &
pids+=($!)
eventually 10 grep -q "handshake refused" "$work_dir/secure.log" ||
    fail "no refused handshake logged: $(tail -n 5 "$work_dir/secure.log")"
eventually 10 bash -c "ss -Htn state established 'dport = :$secure_pub' |
    grep -q ." || fail "the tap did not connect"

# The allowed tap must be subscribed before the data flows; a
# subscription arrives as soon as the handshake is done, so wait for it
# by sending in rounds until the tap has all it asked for.
send "$secure_relay" "$work_dir/ingest.log" \
    --curve-secret "$keys/ingest.cert_secret" \
    --curve-server-key "$keys/transform.cert" ||
    fail "allowed ingest failed: $(tail -n 5 "$work_dir/ingest.log")"
until_tap_done()
{
    ! kill -0 "$tap_pid" 2>/dev/null && return 0
    send "$secure_relay" "$work_dir/ingest.log" \
        --curve-secret "$keys/ingest.cert_secret" \
        --curve-server-key "$keys/transform.cert" >/dev/null 2>&1
    ! kill -0 "$tap_pid" 2>/dev/null
}
eventually 30 until_tap_done || fail "the allowed tap got too little"
grep -q "$secret_text" "$work_dir/tap.out" ||
    fail "the allowed tap did not receive the records"
pass "an allowed publisher reaches an allowed tap through CURVE"

[[ ! -s $work_dir/rogue-tap.out ]] ||
    fail "the rogue tap received: $(head -c 200 "$work_dir/rogue-tap.out")"
pass "a tap with a key not allowed receives nothing"

before=$(grep -o 'refused_total=[0-9]*' "$work_dir/secure.log" | tail -n 1)
# A refused publisher never gets a peer, so it waits to send: run it in
# the background and stop it once the transform has counted it.
"$(sym_bin ingest)" --source "file:$csv" --stream curve.test \
    --push ">tcp://127.0.0.1:$secure_relay" \
    --curve-secret "$keys/rogue.cert_secret" \
    --curve-server-key "$keys/transform.cert" \
    2>"$work_dir/rogue-ingest.log" &
rogue_pid=$!
pids+=("$rogue_pid")
refused_after() {
    local now
    now=$(grep -o 'refused_total=[0-9]*' "$work_dir/secure.log" | tail -n 1)
    [[ ${now#*=} -gt ${before#*=} ]]
}
# The log is rate-limited to one line a second; a later line shows the
# count went up.
eventually 15 refused_after ||
    fail "rogue publisher not counted: $(grep refused "$work_dir/secure.log")"
kill -9 "$rogue_pid"
grep -q "reason=auth" "$work_dir/rogue-ingest.log" ||
    fail "the rogue publisher was not told: $(tail -n 3 "$work_dir/rogue-ingest.log")"
pass "a publisher with a key not allowed is refused and counted"

grep -q "$secret_text" "$work_dir/secure.wire" &&
    fail "plain text seen on the CURVE link"
[[ $(stat -c %s "$work_dir/secure.wire") -gt 1000 ]] ||
    fail "the relay saw too little traffic to judge"
pass "the CURVE link carries no plain text"

start_transform plain
send "$relay_port" "$work_dir/plain-ingest.log" ||
    fail "plain ingest failed"
eventually 10 grep -q "$secret_text" "$work_dir/plain.wire" ||
    fail "the relay did not see the plain text without CURVE"
pass "without CURVE the same text is visible, so the check above can fail"

sym_done
