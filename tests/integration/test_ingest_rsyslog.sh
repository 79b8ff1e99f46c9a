#!/usr/bin/env bash
# test_ingest_rsyslog.sh: Symphony behind a program that already
# publishes over ZeroMQ: rsyslog's omczmq output publishes syslog lines
# as [topic, message] on a PUB socket, symphony-ingest --from-sub reads
# them, a sink stores them: N lines logged give N records.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
#
# omczmq's parameters (endpoints, socktype PUB|PUSH, topics, topicframe,
# template, sendhwm) are those of rsyslog-czmq's README.Debian and of the
# module itself. rsyslog runs with its own configuration in the test's
# directory: no system log socket, no system configuration.

set -euo pipefail

source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

ingest=$(sym_bin ingest)
sink=$(sym_bin sink)
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[[ -x $rsyslogd ]] || fail "rsyslogd is not installed (rsyslog)"
[[ -e /usr/lib/x86_64-linux-gnu/rsyslog/omczmq.so ]] ||
    compgen -G "/usr/lib/*/rsyslog/omczmq.so" >/dev/null ||
    fail "omczmq is not installed (rsyslog-czmq)"
lines=500

sym_free_port syslog_port
sym_free_port pub_port
sym_free_port sink_port
out=$work_dir/out.jsonl
mkdir -p "$work_dir/spool"

cat >"$work_dir/rsyslog.conf" <<CONF
global(workDirectory="$work_dir/spool")
module(load="imtcp")
module(load="omczmq")
template(name="message_only" type="string" string="%msg%")
input(type="imtcp" address="127.0.0.1" port="$syslog_port")
action(type="omczmq" endpoints="@tcp://127.0.0.1:$pub_port"
       socktype="PUB" topics="syslog" topicframe="on"
       template="message_only" sendhwm="100000")
CONF

"$sink" --pull "@tcp://127.0.0.1:$sink_port" --output "jsonl:$out" \
    2>"$work_dir/sink.log" &
sink_pid=$!
sym_cleanup_hooks+=("kill $sink_pid")

"$rsyslogd" -n -f "$work_dir/rsyslog.conf" -i "$work_dir/rsyslog.pid" \
    >"$work_dir/rsyslog.log" 2>&1 &
rsyslog_pid=$!
sym_cleanup_hooks+=("kill $rsyslog_pid")
listening()
{
    ss -Hltn "sport = :$1" | grep -q .
}
eventually 20 listening "$syslog_port" ||
    fail "rsyslogd did not listen: $(cat "$work_dir/rsyslog.log")"
pass "rsyslogd runs with its own configuration"

"$ingest" --from-sub ">tcp://127.0.0.1:$pub_port" --from-topic syslog \
    --from-format envelope --from-payload text --stream 'syslog' \
    --push ">tcp://127.0.0.1:$sink_port" 2>"$work_dir/ingest.log" &
ingest_pid=$!
sym_cleanup_hooks+=("kill $ingest_pid")

stored()
{
    grep -c "$1" "$out" 2>/dev/null || true
}

# omczmq binds when the first message reaches it, and a subscription
# takes a moment to reach the publisher: probe until a line comes
# through, then send the counted lines.
probe()
{
    logger --tcp --server 127.0.0.1 --port "$syslog_port" -t symtest \
        "symphony-probe" || return 1
    (($(stored symphony-probe) > 0))
}
eventually 30 probe ||
    fail "no probe line reached the sink: $(cat "$work_dir/rsyslog.log")"
pass "a syslog line reaches the sink through omczmq"

for ((i = 1; i <= lines; i++)); do
    echo "symphony-interop line $i"
done >"$work_dir/lines.txt"
logger --tcp --server 127.0.0.1 --port "$syslog_port" -t symtest \
    -f "$work_dir/lines.txt" || fail "logger failed"
has_all()
{
    (($(stored "symphony-interop line") >= lines))
}
eventually 30 has_all ||
    fail "$(stored "symphony-interop line") of $lines lines stored"

kill -TERM "$ingest_pid"
sym_wait_pid "$ingest_pid" 5 || fail "ingest did not exit 0 on SIGTERM"
kill -TERM "$sink_pid"
sym_wait_pid "$sink_pid" 5 || fail "the sink did not exit 0"
(($(stored "symphony-interop line") == lines)) ||
    fail "$(stored "symphony-interop line") records for $lines lines"
(($(stored "symphony-interop line $lines\"") == 1)) ||
    fail "the last line is missing or repeated"
grep -q '"topic":"syslog"' "$out" || fail "the envelope topic was not kept"
pass "$lines lines logged give $lines records"
sym_done
