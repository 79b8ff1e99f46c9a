#!/usr/bin/env bash
# test_metrics.sh: /metrics and /health of real nodes over HTTP; the
# metrics text is checked with promtool, Prometheus's own parser.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

command -v promtool >/dev/null ||
    fail "promtool is missing (deploy/install-deps test installs it)"

sym_free_port transform_port
sym_free_port sink_port
sym_free_port transform_http
sym_free_port sink_http
sym_free_port ingest_http
pids=()
sym_cleanup_hooks+=('kill -9 "${pids[@]}"')

# status URL: prints the HTTP status code of a GET.
status() { curl -s -o /dev/null -w '%{http_code}' "$1" || true; }
is_status() { [[ $(status "$2") == "$1" ]]; }

# The name has a quote and a backslash, which label values must escape.
"$(sym_bin transform)" --name 'tr"ans\form' \
    --pull "@tcp://127.0.0.1:$transform_port" \
    --push ">tcp://127.0.0.1:$sink_port" \
    --metrics-port "$transform_http" 2>"$work_dir/transform.log" &
pids+=($!)
base=http://127.0.0.1:$transform_http
eventually 5 is_status 503 "$base/health" ||
    fail "health of a transform without its sink: $(status "$base/health")"
# Bodies go to a variable first: with pipefail, grep -q leaving early
# would fail curl's next write and the pipeline with it.
body=$(curl -s "$base/health")
grep -q '"socket":"push".*"peers":0' <<<"$body" ||
    fail "health body: $body"
pass "/health answers 503 while the PUSH output has no peer"

"$(sym_bin sink)" --name sink --pull "@tcp://127.0.0.1:$sink_port" \
    --output "sqlite:$work_dir/t.db" --metrics-port "$sink_http" \
    2>"$work_dir/sink.log" &
pids+=($!)
eventually 10 is_status 200 "$base/health" ||
    fail "transform health stays $(status "$base/health") with its sink up"
pass "/health turns 200 once the sink is connected"

is_status 200 "http://127.0.0.1:$sink_http/health" ||
    fail "a sink that only binds must be healthy without peers"
pass "a node that only binds is healthy without peers"

"$(sym_bin ingest)" --name sim --source sim --sim-rate 5000 \
    --sim-count 300 --push ">tcp://127.0.0.1:$transform_port" \
    --metrics-port "$ingest_http" 2>"$work_dir/ingest.log" ||
    fail "ingest failed: $(tail -n 3 "$work_dir/ingest.log")"
read_total=$(grep -o 'read=[0-9]*' "$work_dir/ingest.log" | cut -d= -f2)
stored() {
    curl -s "http://127.0.0.1:$sink_http/metrics" |
        grep -q "^symphony_stored_total{node=\"sink\",instance=\"sink\"} $1\$"
}
eventually 10 stored "$read_total" ||
    fail "sink metrics: $(curl -s "http://127.0.0.1:$sink_http/metrics" |
        grep stored)"
pass "the sink's stored counter reaches the $read_total records sent"

for port in "$transform_http" "$sink_http"; do
    curl -s "http://127.0.0.1:$port/metrics" >"$work_dir/metrics.txt"
    promtool check metrics <"$work_dir/metrics.txt" >"$work_dir/prom.out" 2>&1 ||
        fail "promtool on port $port: $(cat "$work_dir/prom.out")"
done
body=$(curl -s "$base/metrics")
grep -qF 'instance="tr\"ans\\form"' <<<"$body" ||
    fail "the instance label is not escaped"
# value URL NAME: the value of the series NAME at URL.
value() {
    curl -s "$1" | awk -v name="$2" 'index($0, name "{") == 1 { print $2 }'
}
sink_received=$(value "http://127.0.0.1:$sink_http/metrics" \
    symphony_received_total)
received() {
    [[ $(value "$base/metrics" symphony_received_total) == "$sink_received" ]]
}
eventually 5 received ||
    fail "transform metrics: $(curl -s "$base/metrics" | grep received)"
pass "promtool accepts both nodes' metrics, labels escaped"

[[ $(curl -s -D - -o /dev/null "$base/metrics" | tr -d '\r' |
    grep -i '^content-type:') == *'text/plain; version=0.0.4'* ]] ||
    fail "content type of /metrics"
is_status 404 "$base/nothing" || fail "an unknown path is not 404"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/metrics") == 405 ]] ||
    fail "POST is not refused"
pass "the text format's content type, 404 and 405"

rc=0
"$(sym_bin sink)" --pull "@tcp://127.0.0.1:$sink_port" \
    --metrics-port 70000 2>"$work_dir/bad.log" || rc=$?
((rc == 2)) && grep -q "metrics-port" "$work_dir/bad.log" ||
    fail "a bad metrics port: exit $rc, $(cat "$work_dir/bad.log")"
rc=0
"$(sym_bin sink)" --pull "@tcp://127.0.0.1:$sink_port" \
    --metrics-port "$sink_http" --metrics-addr nowhere \
    2>"$work_dir/bad.log" || rc=$?
((rc == 2)) || fail "a bad metrics address: exit $rc"
rc=0
"$(sym_bin sink)" --pull "@tcp://127.0.0.1:$sink_port" \
    --metrics-port "$sink_http" 2>"$work_dir/bad.log" || rc=$?
((rc == 1)) && grep -q "cannot serve metrics" "$work_dir/bad.log" ||
    fail "a metrics port in use: exit $rc, $(cat "$work_dir/bad.log")"
pass "bad settings exit 2, a port in use exits 1"

# libmicrohttpd (and GnuTLS behind it) is opened with a metrics port;
# libpq with a postgres output. A node that uses neither maps neither.
maps_of() { cat "/proc/$1/maps" 2>/dev/null || true; }
maps_have() { grep -qE "$2" "/proc/$1/maps" 2>/dev/null; }
sym_free_port plain_port
"$(sym_bin sink)" --name plain --pull "@tcp://127.0.0.1:$plain_port" \
    --output "sqlite:$work_dir/plain.db" 2>"$work_dir/plain.log" &
plain_pid=$!
pids+=("$plain_pid")
eventually 5 grep -q "started" "$work_dir/plain.log" ||
    fail "the plain sink did not start: $(cat "$work_dir/plain.log")"
maps_have "$plain_pid" 'libsqlite3' ||
    fail "no maps for the plain sink (pid $plain_pid)"
! maps_have "$plain_pid" 'libmicrohttpd|libgnutls|libpq' ||
    fail "a sink without metrics or postgres maps: $(maps_of "$plain_pid" |
        grep -oE '[^/]*(microhttpd|gnutls|libpq)[^ ]*' | sort -u | tr '\n' ' ')"
sink_pid=${pids[1]}
maps_have "$sink_pid" 'libmicrohttpd' ||
    fail "the sink serving metrics has not opened libmicrohttpd"
pass "libmicrohttpd is mapped only with a metrics port, libpq only for postgres"

sym_done
