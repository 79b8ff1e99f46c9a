#!/usr/bin/env bash
# test_tap_cli.sh: the symphony-tap binary: options, exit codes, signals,
# --stats, and a reader that goes away (`| head`).
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
#
# No publisher is needed: the tap connects to a port where nothing
# listens, which is what a tap started before its node sees. Records
# flowing through the tap are covered by tests/node/test_tap.c.

set -euo pipefail

source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

tap=$(sym_bin tap)
[[ -x $tap ]] || fail "no binary at $tap"
endpoint=tcp://127.0.0.1:17450

# Every run is bounded, so a tap that hangs fails the test instead.
run_tap()
{
    timeout 10 "$tap" "$@"
}

help_text=$(run_tap --help) || fail "--help did not exit 0"
for option in name log-level config help version connect topic count \
    pretty raw stats rcvhwm kinds; do
    grep -q -- "--$option" <<<"$help_text" || fail "--help lacks --$option"
done
grep -q -- '--rcvhwm N .*\[default: 1000\]' <<<"$help_text" ||
    fail "--help does not give the default of --rcvhwm"
grep -q -- '--kinds TEXT .*\[default: data,alarm,removed,eos,stats\]' \
    <<<"$help_text" || fail "--help does not give the default of --kinds"
pass "--help lists every option with its default"

version=$(run_tap --version) || fail "--version did not exit 0"
[[ $version == "symphony-tap "[0-9]* ]] || fail "--version printed '$version'"
pass "--version prints the version"

# Expects exit 2 and one line on stderr that names option.
expect_usage_error()
{
    local option=$1 rc=0 err
    shift
    err=$(run_tap "$@" 2>&1 >/dev/null) || rc=$?
    ((rc == 2)) || fail "'$*' exited $rc, not 2"
    (($(wc -l <<<"$err") == 1)) || fail "'$*' printed more than a line"
    [[ $err == "symphony-tap: "*"$option"* ]] ||
        fail "'$*' printed '$err', which does not name $option"
}

expect_usage_error --connect
expect_usage_error --connect --connect localhost
expect_usage_error --kinds --connect "$endpoint" --kinds data,bogus
expect_usage_error --raw --connect "$endpoint" --raw --stats
expect_usage_error --pretty --connect "$endpoint" --raw --pretty
expect_usage_error --count --connect "$endpoint" --count many
expect_usage_error --rcvhwm --connect "$endpoint" --rcvhwm 0
expect_usage_error --log-level --connect "$endpoint" --log-level loud
expect_usage_error --bogus --connect "$endpoint" --bogus
pass "usage errors exit 2 with one line naming the option"

for signal in TERM INT; do
    : >"$work_dir/err" # the wait below must not see the last start line
    "$tap" --connect "$endpoint" >"$work_dir/out" 2>"$work_dir/err" &
    pid=$!
    sym_cleanup_hooks+=("kill $pid")
    eventually 5 grep -q 'node: started' "$work_dir/err" ||
        fail "no start line: $(cat "$work_dir/err")"
    started_ms=$(now_ms)
    kill -"$signal" "$pid"
    rc=0
    sym_wait_pid "$pid" 2 || rc=$?
    ((rc == 0)) || fail "SIG$signal: exit $rc"
    (($(now_ms) - started_ms < 2000)) || fail "SIG$signal: slower than 2s"
    grep -q 'node: stopped reason="signal"' "$work_dir/err" ||
        fail "SIG$signal: no stop line: $(cat "$work_dir/err")"
    pass "SIG$signal stops the tap with exit 0 within 2s"
done

rc=0
run_tap --connect "$endpoint" --stats --count 2 >"$work_dir/out" \
    2>"$work_dir/err" || rc=$?
((rc == 0)) || fail "--stats --count 2: exit $rc: $(cat "$work_dir/err")"
reports=$(grep -c ' malformed rate=0 total=0 frames=0 decode=0 too_big=0$' \
    "$work_dir/out" || true)
((reports == 2)) || fail "--stats --count 2 printed: $(cat "$work_dir/out")"
pass "--stats prints a report each second and --count ends it"

rc=0
run_tap --connect "$endpoint" --stats 2>"$work_dir/err" |
    head -n 1 >"$work_dir/out" || rc=$?
((rc == 0)) || fail "| head: exit $rc: $(cat "$work_dir/err")"
[[ -s $work_dir/out ]] || fail "| head: no line read"
if grep -Eq ' (WARN|ERROR) ' "$work_dir/err"; then
    fail "| head: not quiet: $(cat "$work_dir/err")"
fi
grep -q 'node: stopped reason="output closed"' "$work_dir/err" ||
    fail "| head: no stop line: $(cat "$work_dir/err")"
pass "a reader that goes away ends the tap quietly with exit 0"

sym_done
