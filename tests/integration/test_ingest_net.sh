#!/usr/bin/env bash
# test_ingest_net.sh: symphony-ingest's UDP and TCP sources carry 100,000
# records each from a sender on loopback into a sink, counts exact; the
# TCP source reconnects (with backoff, logged) when its peer goes away.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT

set -euo pipefail

source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

ingest=$(sym_bin ingest)
sink=$(sym_bin sink)
send=$build_dir/tests/sym-test-send
[[ -x $send ]] || fail "no sender at $send"
count=100000

sym_free_port sink_port
sym_free_port udp_port
sym_free_port tcp_port
sym_free_port raw_port
out=$work_dir/out.jsonl

"$sink" --pull "@tcp://127.0.0.1:$sink_port" --output "jsonl:$out" \
    2>"$work_dir/sink.log" &
sink_pid=$!
sym_cleanup_hooks+=("kill $sink_pid")

# Starts an ingest node whose log is $work_dir/$1.log; sets ingest_pid.
start_ingest()
{
    local name=$1
    shift
    "$ingest" --name "$name" --push ">tcp://127.0.0.1:$sink_port" \
        --stream "$name" "$@" 2>"$work_dir/$name.log" &
    ingest_pid=$!
    sym_cleanup_hooks+=("kill $ingest_pid")
}

# Records of a stream in the sink's output.
stored()
{
    grep -c "\"stream\":\"$1\"" "$out" 2>/dev/null || true
}

has_count()
{
    (($(stored "$1") >= $2))
}

# Stops the ingest node and checks its stop line.
stop_ingest()
{
    local name=$1 want=$2
    kill -TERM "$ingest_pid"
    sym_wait_pid "$ingest_pid" 5 || fail "$name did not exit 0 on SIGTERM"
    grep -q "stopped why=signal .* accepted=$want " "$work_dir/$name.log" ||
        fail "$name stop line: $(grep stopped "$work_dir/$name.log")"
}

# UDP: one record per datagram, JSON.
start_ingest udp --source "udp://127.0.0.1:$udp_port" --format jsonl
eventually 10 grep -qs "udp: bound" "$work_dir/udp.log" ||
    fail "the UDP source did not bind"
"$send" udp "$udp_port" "$count" 50000 || fail "the UDP sender failed"
eventually 60 has_count udp "$count" ||
    fail "UDP: $(stored udp) of $count records stored"
stop_ingest udp "$count"
! grep -q "lost in the receive buffer" "$work_dir/udp.log" ||
    fail "the kernel dropped datagrams"
pass "UDP: $count datagrams give $count records"

# TCP, CSV lines over two connections: the source starts before the
# sender listens, so it is refused, backs off and retries.
start_ingest tcp --source "tcp://127.0.0.1:$tcp_port" --format csv \
    --reconnect-max-ms 400
eventually 10 grep -qs "connect failed, reconnecting" "$work_dir/tcp.log" ||
    fail "a refused connection was not logged"
"$send" tcp "$tcp_port" "$count" 2 csv &
sender_pid=$!
sym_wait_pid "$sender_pid" 60 || fail "the TCP sender failed"
eventually 60 has_count tcp "$count" ||
    fail "TCP: $(stored tcp) of $count records stored"
grep -q "connection lost, reconnecting" "$work_dir/tcp.log" ||
    fail "the lost connection was not logged"
grep -q "connected address=127.0.0.1:$tcp_port connections=2" \
    "$work_dir/tcp.log" || fail "the source did not reconnect"
stop_ingest tcp "$count"
grep "\"stream\":\"tcp\"" "$out" | tail -n 1 |
    grep -q '"n":100000,"node":"node-5","value":100000.5' ||
    fail "the last CSV row: $(grep "\"stream\":\"tcp\"" "$out" | tail -n 1)"
pass "TCP: $count CSV lines over 2 connections give $count records"

# TCP, length-prefixed raw frames.
"$send" tcp "$raw_port" 10000 1 length32 &
sender_pid=$!
start_ingest raw --source "tcp://127.0.0.1:$raw_port" --format raw \
    --framing length32
sym_wait_pid "$sender_pid" 30 || fail "the length32 sender failed"
eventually 30 has_count raw 10000 ||
    fail "length32: $(stored raw) of 10000 records stored"
stop_ingest raw 10000
pass "TCP: 10000 length-prefixed frames give 10000 records"

kill -TERM "$sink_pid"
sym_wait_pid "$sink_pid" 5 || fail "the sink did not exit 0"
(($(stored udp) == count && $(stored tcp) == count &&
    $(stored raw) == 10000)) ||
    fail "counts after the stop: udp=$(stored udp) tcp=$(stored tcp)"
pass "counts are exact after the sink stopped"
sym_done
