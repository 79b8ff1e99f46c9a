#!/usr/bin/env bash
# test_ingest_csv.sh: the symphony-ingest binary: options, exit codes, CSV
# and JSON lines from files and stdin, totals in the stop line, signals.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
#
# Outputs are a PUB socket nobody subscribes to (it never blocks) or a
# PUSH socket to a port where nothing listens; the records themselves are
# checked by tests/node/test_ingest.c. The totals in the stop line are
# checked here.

set -euo pipefail

source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

ingest=$(sym_bin ingest)
[[ -x $ingest ]] || fail "no binary at $ingest"
data=$repo/tests/data/ingest
pub=@tcp://127.0.0.1:17150
silent_push=tcp://127.0.0.1:17151

run_ingest()
{
    timeout 10 "$ingest" "$@"
}

help_text=$(run_ingest --help) || fail "--help did not exit 0"
for option in name log-level config help version source format stream \
    topic time-field match speed max-wait-ms sim-expeditions sim-channels \
    sim-rate sim-count sim-seed pub push on-full sndhwm batch-bytes \
    linger-ms epoch; do
    grep -q -- "^  --$option " <<<"$help_text" || fail "--help lacks --$option"
done
grep -q -- '--speed TEXT .*\[default: max\]' <<<"$help_text" ||
    fail "--help does not give the default of --speed"
grep -q -- '--batch-bytes N .*\[default: 32768\]' <<<"$help_text" ||
    fail "--help does not give the default of --batch-bytes"
pass "--help lists every option with its default"

version=$(run_ingest --version) || fail "--version did not exit 0"
[[ $version == "symphony-ingest "[0-9]* ]] ||
    fail "--version printed '$version'"
pass "--version prints the version"

# Expects exit 2 and one line on stderr that names what is wrong.
expect_usage_error()
{
    local what=$1 rc=0 err
    shift
    err=$(run_ingest "$@" 2>&1 >/dev/null) || rc=$?
    ((rc == 2)) || fail "'$*' exited $rc, not 2"
    (($(wc -l <<<"$err") == 1)) || fail "'$*' printed more than a line"
    [[ $err == "symphony-ingest: "*"$what"* ]] ||
        fail "'$*' printed '$err', which does not name $what"
}

expect_usage_error --push --source sim
expect_usage_error --bogus --bogus 1 --pub "$pub"
expect_usage_error --source --source "file:$work_dir/none.csv" --pub "$pub"
expect_usage_error --format --source "file:$work_dir/data.txt" --pub "$pub"
expect_usage_error --speed --source stdin --speed 0 --pub "$pub"
expect_usage_error --log-level --log-level loud --pub "$pub"
expect_usage_error --on-full --on-full later --push "$silent_push"
expect_usage_error --match --match source --pub "$pub"
pass "bad options exit 2 with one line naming the option"

# Runs ingest to its end; its log goes to $work_dir/log.
run_to_end()
{
    local rc=0
    run_ingest "$@" 2>"$work_dir/log" || rc=$?
    ((rc == 0)) || fail "'$*' exited $rc: $(cat "$work_dir/log")"
}

# The stop line of the last run has every key=value given.
expect_totals()
{
    local line pair
    line=$(grep 'node: stopped' "$work_dir/log") || fail "no stop line"
    for pair in "$@"; do
        [[ " $line " == *" $pair "* ]] || fail "stop line lacks $pair: $line"
    done
}

run_to_end --source "file:$data/stations.csv" --stream 'qb50.{source}' \
    --time-field passtime --pub "$pub"
expect_totals why=end read=8 accepted=7 bad=1 skipped=0 streams=3 eos=3
grep -q 'WARN .*ingest: bad input file=.*stations.csv line=6 reason=' \
    "$work_dir/log" || fail "no warning naming the bad row"
grep -q 'INFO .*node: started version=.* source=file:.* pub=' \
    "$work_dir/log" || fail "no start line"
pass "a CSV file is read to its end, a bad row counted and named"

run_to_end --source "file:$data/stations.csv" --stream 'qb50.{source}' \
    --match source=tartu --match mode=0 --pub "$pub"
expect_totals accepted=2 skipped=5 bad=1 streams=1 eos=1
pass "--match keeps only rows that match every condition"

run_to_end --source "file:$data/header-only.csv" --pub "$pub"
expect_totals why=end read=0 accepted=0 streams=0 eos=0
grep -q 'end of input, nothing to send' "$work_dir/log" ||
    fail "header-only file not reported"
pass "a header-only file sends nothing and exits 0"

run_to_end --source stdin --stream '{source}' --pub "$pub" \
    <"$data/lines.jsonl"
expect_totals read=6 accepted=2 bad=4 streams=2 eos=2
pass "JSON lines from stdin, malformed lines counted"

run_to_end --source stdin --format csv --stream '{source}' --pub "$pub" \
    <"$data/stations.csv"
expect_totals read=8 accepted=7 bad=1 streams=3
pass "CSV from stdin with --format csv"

config=$work_dir/ingest.conf
printf 'source file:%s\nstream "qb50.{source}"\npub %s\n' \
    "$data/stations.csv" "$pub" >"$config"
run_to_end --config "$config" --match source=japan
expect_totals accepted=2 streams=1
pass "options from --config, the command line adding to them"

run_to_end --source sim --sim-rate 0 --sim-count 100000 \
    --sim-expeditions 2 --sim-channels 3 --pub "$pub"
expect_totals read=100000 accepted=100000 streams=6 eos=6
pass "the simulated fleet ends after --sim-count records"

# Starts ingest in the background, reading the caller's stdin, with its
# log in $work_dir/log, and waits for its start line; sets ingest_pid.
start_ingest()
{
    # Empty the log first: the child's own redirection may come after the
    # wait below has already seen the previous run's start line.
    : >"$work_dir/log"
    # Without the explicit <&0 a background job reads /dev/null.
    "$ingest" "$@" <&0 2>"$work_dir/log" &
    ingest_pid=$!
    sym_cleanup_hooks+=("kill -KILL $ingest_pid")
    eventually 5 grep -q 'node: started' "$work_dir/log" ||
        fail "ingest did not start: $(cat "$work_dir/log")"
}

# SIGTERM ends the run within 2 s with exit 0 and a stop line.
expect_prompt_stop()
{
    local started rc=0
    started=$(now_ms)
    kill -TERM "$ingest_pid"
    sym_wait_pid "$ingest_pid" 2 || rc=$?
    ((rc == 0)) || fail "exit $rc after SIGTERM"
    (($(now_ms) - started < 2000)) || fail "took over 2 s to stop"
    expect_totals why=signal eos=0
}

start_ingest --source sim --sim-rate 100 --push "$silent_push"
expect_prompt_stop
pass "SIGTERM stops a run blocked on a PUSH peer that is not there"

# A FIFO opened read-write here never reaches end of input, and has no
# data: stdin that stays quiet.
fifo=$work_dir/input
mkfifo "$fifo"
exec 3<>"$fifo"
sym_cleanup_hooks+=("exec 3>&-")
start_ingest --source stdin --stream '{source}' --pub "$pub" <"$fifo"
expect_prompt_stop
pass "SIGTERM stops a run waiting on a quiet stdin"

sym_done
