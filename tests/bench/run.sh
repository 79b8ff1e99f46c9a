#!/usr/bin/env bash
# run.sh: make bench. Raw libzmq baselines and Symphony pipelines, each
# run several times; prints medians and spreads and writes the table to
# build-bench/bench.txt.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${BENCH_BUILD_DIR:-$repo/build-bench}
runs=${BENCH_RUNS:-3}
count=${BENCH_COUNT:-2000000}     # records per max-rate run
# BENCH_ONLY=REGEX runs only the cases whose names match (when profiling).
paced_s=${BENCH_PACED_S:-3}       # seconds per paced run
rate=100000                       # paced: records per second in total
port=${BENCH_PORT:-18050}
# A run whose receiver never sees the end (as when a closing sender's
# kernel dropped its last bytes, see the README's fifth round) is stopped
# after this long, so the bench always ends; its lost column shows what
# was missing.
run_limit_s=${BENCH_RUN_LIMIT_S:-60}
out=$build/bench.txt
work=$(mktemp -d "${TMPDIR:-/tmp}/symphony-bench.XXXXXX")
raw=$build/tests/bench/bench_raw
ingest=$build/nodes/ingest/symphony-ingest
transform=$build/nodes/transform/symphony-transform
sink=$build/nodes/sink/symphony-sink
pids=()
pg_conninfo=""
source "$repo/tests/integration/pg.sh"
cleanup() {
    local pid
    for pid in "${pids[@]}"; do pkill -KILL -P "$pid" 2>/dev/null || true; done
    if [[ -n $pg_conninfo ]]; then
        sym_pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" -m immediate stop \
            >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

ep() { echo "tcp://127.0.0.1:$((port + $1))"; }
now() { date +%s.%N; }

# CPU seconds (user + system) and peak RSS (kB) of each process come
# from GNU time, which runs it and reports both when it exits.
timed() { # timed NAME CMD...: runs CMD in the background under time
    local name=$1
    shift
    /usr/bin/time -f "%U %S %M" -o "$work/$name.time" "$@" \
        2>"$work/$name.log" >"$work/$name.out" &
    pids+=($!)
}

# The figures are the file's last line: a process stopped by a signal
# gets a line saying so before it.
cpu_of() { awk 'END { print $1 + $2 }' "$work/$1.time"; }
rss_of() { awk 'END { print $3 }' "$work/$1.time"; }

wait_port() { # the receiver is bound before the sender starts
    local deadline=$((SECONDS + 5))
    until ss -Hltn "sport = :$((port + $1))" | grep -q .; do
        ((SECONDS < deadline)) || { echo "port $1 not bound" >&2; return 1; }
        sleep 0.02
    done
}

wait_limited() { # wait_limited PID: wait for a timed process, at most run_limit_s
    local pid=$1
    (sleep "$run_limit_s" && pkill -TERM -P "$pid") 2>/dev/null &
    local watchdog=$!
    wait "$pid" 2>/dev/null || true
    pkill -P "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
}

stop_all() {
    local pid
    # Each pid is GNU time's; the node is its child and gets the signal.
    for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}

# One run of a case; prints "rate cpu_per_M p50 p99 p999 rss..." where
# rate is records/s from sender start to receiver exit.
run_raw() { # run_raw hop|chain max|paced
    local shape=$1 mode=$2 n=$count r=0
    [[ $mode == paced ]] && { n=$((rate * paced_s)); r=$rate; }
    timed recv "$raw" recv "$(ep 0)" "$n"
    wait_port 0
    local names="recv"
    if [[ $shape == chain ]]; then
        timed relay "$raw" relay "$(ep 1)" "$(ep 0)"
        wait_port 1
        names="relay recv"
    fi
    local start
    start=$(now)
    timed send "$raw" send "$(ep $([[ $shape == chain ]] && echo 1 || echo 0))" "$n" "$r"
    wait_limited "${pids[0]}"
    local secs
    secs=$(echo "$(now) - $start" | bc -l)
    stop_all
    local cpu=0 rss="" name
    for name in send $names; do
        cpu=$(echo "$cpu + $(cpu_of "$name")" | bc -l)
        rss+="$(rss_of "$name") "
    done
    read -r p50 p99 p999 < <(sed -n 's/.*p50_us=\([0-9.]*\) p99_us=\([0-9.]*\) p999_us=\([0-9.]*\).*/\1 \2 \3/p' "$work/recv.out") || true
    # A receiver stopped at the limit prints nothing: none of its records
    # count as received.
    local received lost
    received=$(sed -n 's/^raw recv count=\([0-9]*\).*/\1/p' "$work/recv.out")
    lost=$(sed -n 's/.*gaps=\([0-9]*\).*/\1/p' "$work/recv.out")
    [[ -n $received ]] || { received=0 lost=$n p50=0 p99=0 p999=0; }
    echo "$(echo "$received / $secs" | bc) $(echo "$cpu * 1000000 / $n" | bc -l) $p50 $p99 $p999 $lost $rss"
}

# A PostgreSQL server of its own, started the way the integration tests
# start theirs but with fsync on, as a server in service would run.
pg_start() {
    [[ -x $pg_bindir/initdb ]] || return 1
    pg_port=$((port + 40))
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/symphony-bench-pg.XXXXXX")
    (($(id -u) != 0)) || chown postgres: "$pg_dir"
    sym_pg_as "$pg_bindir/initdb" -D "$pg_dir/data" -U symphony \
        --auth=trust -E UTF8 --no-sync >"$pg_dir/initdb.log" 2>&1 || return 1
    sym_pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
        -w -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" \
        start >/dev/null || return 1
    pg_conninfo="host=127.0.0.1 port=$pg_port user=symphony dbname=postgres"
}

# The uri of a sink output; a database starts empty for every run.
output_uri() {
    case $1 in
    null) echo null ;;
    sqlite)
        rm -f "$work/bench.db"*
        echo "sqlite:$work/bench.db"
        ;;
    pg)
        PGOPTIONS='-c client_min_messages=warning' psql -X -q -d "$pg_conninfo" -c "DROP TABLE IF EXISTS records, alarms,
            streams, removals, sink_batches" >/dev/null
        echo "postgres:$pg_conninfo"
        ;;
    esac
}

run_sym() { # run_sym hop|chain max|paced null|sqlite|pg
    local shape=$1 mode=$2 output=$3 n=$count sim_rate=0
    [[ $mode == paced ]] && { n=$((rate * paced_s)); sim_rate=$(echo "$rate / 12" | bc -l); }
    local uri
    uri=$(output_uri "$output")
    # A database is slower: fewer records keep the run short.
    [[ $output == null ]] || n=$((n / 4))
    timed sink "$sink" --pull "@$(ep 0)" --output "$uri" --exit-on-eos 12 \
        --latency-report --batch 20000
    wait_port 0
    local names="sink" target=0
    if [[ $shape == chain ]]; then
        timed transform "$transform" --pull "@$(ep 1)" --push ">$(ep 0)" \
            --steps "$repo/tests/bench/bench.steps"
        wait_port 1
        names="transform sink"
        target=1
    fi
    local start
    start=$(now)
    # No linger limit: behind a slow sink, the ingest's queue must drain
    # fully after its last record rather than be dropped after 1 s.
    timed ingest "$ingest" --source sim --sim-rate "$sim_rate" \
        --sim-count "$n" --linger-ms -1 --push ">$(ep $target)"
    wait_limited "${pids[0]}"
    local secs
    secs=$(echo "$(now) - $start" | bc -l)
    stop_all
    local cpu=0 rss="" name
    for name in ingest $names; do
        cpu=$(echo "$cpu + $(cpu_of "$name")" | bc -l)
        rss+="$(rss_of "$name") "
    done
    read -r p50 p99 p999 < <(sed -n 's/.*latency count=[0-9]* p50_us=\([0-9.]*\) p99_us=\([0-9.]*\) p999_us=\([0-9.]*\).*/\1 \2 \3/p' "$work/sink.log") || true
    local stored
    stored=$(sed -n 's/.* stopped .* stored=\([0-9]*\).*/\1/p' "$work/sink.log")
    stored=${stored:-0}
    [[ -n ${p50:-} ]] || { p50=0 p99=0 p999=0; }
    # The logs of a run that lost records are kept for a look at why.
    if ((stored < n)); then
        local kept
        kept=$build/bench-lost/$(date +%Y%m%dT%H%M%S.%N)
        mkdir -p "$kept" && cp "$work"/*.log "$kept"/
    fi
    echo "$(echo "$stored / $secs" | bc) $(echo "$cpu * 1000000 / $n" | bc -l) $p50 $p99 $p999 $((n - stored)) $rss"
}

# A CSV file of telemetry rows for the CSV source: time, channel, values.
csv_rows=$((count / 2))
make_csv() {
    awk -v n="$csv_rows" 'BEGIN {
        print "time,channel,altitude_km,lat_deg,lon_deg,velocity_kms"
        for (i = 0; i < n; i++)
            printf "%d.%03d,%d,%.3f,%.4f,%.4f,%.3f\n", 1700000000 + i / 1000,
                i % 1000, i % 4, 420 + i % 97, (i % 180) - 90.5,
                (i % 360) - 180.25, 7.5 + (i % 13) / 100
    }' >"$work/bench.csv"
}

# A source alone: the ingest pushes to a PULL that discards every message
# unread, so the rate is the ingest's own, from its start to its exit once
# the last message is handed over.
run_src() { # run_src sim|csv
    local n source
    if [[ $1 == sim ]]; then
        n=$((count * 2))
        source=(--source sim --sim-rate 0 --sim-count "$n")
    else
        n=$csv_rows
        [[ -s $work/bench.csv ]] || make_csv
        source=(--source "file:$work/bench.csv" --time-field time)
    fi
    timed drain "$raw" drain "$(ep 0)"
    wait_port 0
    local start secs
    start=$(now)
    timed ingest "$ingest" "${source[@]}" --linger-ms -1 --push ">$(ep 0)"
    wait_limited "${pids[1]}"
    secs=$(echo "$(now) - $start" | bc -l)
    stop_all
    local dropped
    dropped=$(sed -n 's/.* stopped .* dropped=\([0-9]*\).*/\1/p' "$work/ingest.log")
    echo "$(echo "$n / $secs" | bc) $(echo "$(cpu_of ingest) * 1000000 / $n" | bc -l) 0 0 0 ${dropped:-?} $(rss_of ingest)"
}

# median and spread (max - min) of column $1 of the lines in file $2
median() { awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
spread() { awk -v c="$1" '{ print $c }' "$2" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3g", hi - lo }'; }

declare -A med
cases=(
    "raw-hop-max|run_raw hop max"
    "raw-chain-max|run_raw chain max"
    "raw-chain-paced|run_raw chain paced"
    "sym-hop-max|run_sym hop max null"
    "sym-chain-max|run_sym chain max null"
    "sym-chain-paced|run_sym chain paced null"
    "sym-chain-sqlite|run_sym chain max sqlite"
    "src-sim|run_src sim"
    "src-csv|run_src csv"
)
# The server is started only when its case is to run.
if [[ sym-chain-pg =~ ${BENCH_ONLY:-.} ]] && pg_start; then
    cases+=("sym-chain-pg|run_sym chain max pg")
fi
table=$work/table.txt
{
    printf '# make bench, %s, %s cores, %d runs per case, median (spread)\n' \
        "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$runs"
    printf '%-18s %20s %16s %14s %14s %14s %6s  %s\n' case records/s \
        "cpu s/M rec" p50_us p99_us p999_us lost "peak RSS kB per process"
} >"$table"
cat "$table"
for entry in "${cases[@]}"; do
    name=${entry%%|*}
    cmd=${entry#*|}
    [[ $name =~ ${BENCH_ONLY:-.} ]] || continue
    : >"$work/$name.runs"
    for ((i = 0; i < runs; i++)); do
        $cmd >>"$work/$name.runs"
    done
    for c in 1 2 3 4 5; do med[$name.$c]=$(median "$c" "$work/$name.runs"); done
    printf '%-18s %10s (%7s) %8.2f (%5s) %7s (%5s) %7s (%5s) %7s (%5s) %6s  %s\n' \
        "$name" "${med[$name.1]}" "$(spread 1 "$work/$name.runs")" \
        "${med[$name.2]}" "$(spread 2 "$work/$name.runs")" \
        "${med[$name.3]:-0}" "$(spread 3 "$work/$name.runs")" \
        "${med[$name.4]:-0}" "$(spread 4 "$work/$name.runs")" \
        "${med[$name.5]:-0}" "$(spread 5 "$work/$name.runs")" \
        "$(median 6 "$work/$name.runs")" \
        "$(tail -n 1 "$work/$name.runs" | cut -d' ' -f7-)" >>"$table"
    tail -n 1 "$table"
done

# Idle RSS: each node up, connected, with nothing to do.
timed sink "$sink" --pull "@$(ep 0)" --output null
wait_port 0
timed transform "$transform" --pull "@$(ep 1)" --push ">$(ep 0)" \
    --steps "$repo/tests/bench/bench.steps"
timed ingest "$ingest" --source sim --sim-rate 0.1 --push ">$(ep 1)"
sleep 1
idle=""
for pid in "${pids[@]}"; do
    child=$(pgrep -P "$pid" | head -n 1)
    idle+="$(awk '/VmRSS/ { print $2 }' "/proc/$child/status") "
done
stop_all

ratio() { # a case left out by BENCH_ONLY, or with nothing received, has none
    if [[ -n $1 && -n $2 && $2 != 0 ]]; then
        echo "scale=2; $1 / $2" | bc -l
    else
        echo -
    fi
}
{
    printf 'idle RSS kB (sink transform ingest): %s\n' "$idle"
    printf 'ratio one hop / raw hop (records/s):         %s (target >= 1.5)\n' \
        "$(ratio "${med[sym-hop-max.1]:-}" "${med[raw-hop-max.1]:-}")"
    printf 'ratio three stages / raw chain (records/s):  %s (target >= 2.0)\n' \
        "$(ratio "${med[sym-chain-max.1]:-}" "${med[raw-chain-max.1]:-}")"
    printf 'ratio paced p50 latency / raw chain p50:     %s (target <= 1.3)\n' \
        "$(ratio "${med[sym-chain-paced.3]:-}" "${med[raw-chain-paced.3]:-}")"
    printf 'SQLite sink records/s:                       %s (target >= 300000)\n' \
        "${med[sym-chain-sqlite.1]:--}"
    if [[ -n ${med[sym-chain-pg.1]:-} ]]; then
        printf 'PostgreSQL sink records/s:                   %s (target >= 200000)\n' \
            "${med[sym-chain-pg.1]}"
    elif ! [[ sym-chain-pg =~ ${BENCH_ONLY:-.} ]]; then
        printf 'PostgreSQL sink: not run (BENCH_ONLY)\n'
    else
        printf 'PostgreSQL sink: not measured (no server could be started)\n'
    fi
    printf 'sim source alone records/s:                  %s (target >= 3000000)\n' \
        "${med[src-sim.1]:--}"
    printf 'CSV source alone records/s:                  %s (target >= 1000000)\n' \
        "${med[src-csv.1]:--}"
} >>"$table"
tail -n 8 "$table"
cp "$table" "$out"
echo "table written to $out"
