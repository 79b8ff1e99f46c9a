#!/usr/bin/env bash
# test_cluster.sh: integration test of deploy/symphony-cluster, with small
# stand-in nodes written into a temporary directory.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
#
# Every wait polls with a deadline; a watchdog ends the run after 50s.

set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

cluster_cmd=$repo/deploy/symphony-cluster
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/symphony-cluster-test.XXXXXX")
cluster_file=$work_dir/test.cluster
run_dir=$work_dir/run
watchdog_pid=''

cleanup()
{
    if [[ -n $watchdog_pid ]]; then
        kill "$watchdog_pid" 2>/dev/null || true
    fi
    "$cluster_cmd" -f "$cluster_file" -d "$run_dir" down >/dev/null 2>&1 ||
        true
    rm -rf -- "$work_dir"
}
trap cleanup EXIT

start_watchdog()
{
    local test_pid=$$

    trap 'fail "the test ran longer than 50s"' USR1
    (
        trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
        sleep 50 &
        sleeper=$!
        wait "$sleeper" && kill -USR1 "$test_pid"
    ) &
    watchdog_pid=$!
}

# Runs the supervisor on the test cluster.
cluster()
{
    "$cluster_cmd" -f "$cluster_file" -d "$run_dir" "$@"
}



# Sets row_state, row_pid, row_restarts and row_last_exit from the status
# line of node $1.
read_status_row()
{
    local name=$1 line
    row_state='' row_pid='' row_restarts='' row_last_exit=''
    line=$(cluster status | grep -E "^$name +") || return 1
    read -r _ row_state row_pid _ row_restarts row_last_exit <<<"$line"
}

node_pid()
{
    cat -- "$run_dir/pids/$1.pid"
}

# A zombie has ended; only its parent has not collected it yet.
pid_alive()
{
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

write_stand_ins()
{
    mkdir -p "$work_dir/standins"
    # A long-running node: notes its start, stops cleanly on SIGTERM.
    cat >"$work_dir/standins/worker" <<'EOF'
#!/usr/bin/env bash
echo "$1" >>"$ORDER_FILE"
echo "worker $* starting"
trap 'echo "worker $1 stopping"; exit 0' TERM
while :; do
    sleep 0.2 &
    wait $!
done
EOF
    # A finite node: exits with status $1, after $2 seconds if given.
    cat >"$work_dir/standins/exit_with" <<'EOF'
#!/usr/bin/env bash
sleep "${2:-0}"
exit "$1"
EOF
    chmod +x "$work_dir/standins/worker" "$work_dir/standins/exit_with"
}

# The hub binds, so it must start first although it is listed last. The
# nodes reach their binary in three ways: by SYMPHONY_BIN, by a path
# relative to the cluster file, and by ${STANDINS} from the environment.
write_cluster_files()
{
    cat >"$cluster_file" <<'EOF'
# Stand-in cluster for the supervisor test.
source1  worker source1 "${GREETING} from ${RUN_DIR}"
relay    ./standins/worker relay   # a comment after the arguments
replay   restart=on-failure ${STANDINS}/exit_with 0 0.3
flaky    ${STANDINS}/exit_with 3
badconf  ${STANDINS}/exit_with 2

hub      restart=always worker hub --pull @inproc://hub
EOF
    printf '# settings\nGREETING = hello world\n' >"$work_dir/Makefile.inc"
    printf 'one worker\ntwo worker\nthree worker\none worker\n' \
        >"$work_dir/dup.cluster"
    printf 'one worker\n\ntwo worker --x %s\n' "\${NOT_DEFINED_ANYWHERE}" \
        >"$work_dir/undef.cluster"
}

setup()
{
    unset SYMPHONY_CLUSTER SYMPHONY_RUN_DIR
    export SYMPHONY_BIN=$work_dir/standins
    export SYMPHONY_CONF=$work_dir/Makefile.inc
    export STANDINS=$work_dir/standins
    export ORDER_FILE=$work_dir/order
    write_stand_ins
    write_cluster_files
}

test_up_starts_every_node()
{
    local out name

    local rc=0
    out=$(cluster up 2>&1) || rc=$?
    [[ $out == *"cluster up: 6 node(s)"* ]] ||
        fail "unexpected up output: $out"
    for name in source1 relay hub; do
        pid_alive "$(node_pid "$name")" || fail "node $name is not running"
    done
    pass "up starts every node"

    # flaky exits 3 at once: up says so instead of claiming success.
    ((rc == 1)) && [[ $out == *"node flaky failed at start (exit 3)"* ]] ||
        fail "up did not report the node failing at start: rc=$rc $out"
    pass "up reports a node that fails at start and exits 1"

    [[ $(head -n 1 "$ORDER_FILE") == hub ]] ||
        fail "the binding node did not start first: $(cat "$ORDER_FILE")"
    pass "binding nodes start first"
}

test_status_lists_running_nodes()
{
    local name

    for name in source1 relay hub; do
        read_status_row "$name" || fail "status does not list $name"
        [[ $row_state == running && $row_pid == "$(node_pid "$name")" ]] ||
            fail "status shows $name as '$row_state' pid '$row_pid'"
    done
    pass "status lists the nodes as running"
}

test_variables_are_expanded()
{
    local expected="hello\\ world\\ from\\ $run_dir"

    grep -qF -- "start #1: $SYMPHONY_BIN/worker source1 $expected" \
        "$run_dir/logs/source1.log" ||
        fail "source1 started without its expanded arguments:" \
            "$(head -n 1 "$run_dir/logs/source1.log")"
    pass "variables come from Makefile.inc and the run"
}

replay_has_exited()
{
    read_status_row replay && [[ $row_state == exited ]]
}

test_finite_node_is_not_restarted()
{
    cluster wait-exit replay 5 || fail "wait-exit replay did not succeed"
    eventually 2 replay_has_exited || fail "replay shows '$row_state'"
    [[ $row_restarts == 0 && $row_last_exit == "exit 0" ]] ||
        fail "replay: restarts '$row_restarts', last exit '$row_last_exit'"
    pass "a node exiting 0 shows exited and is waited for"

    if cluster wait-exit source1 1 2>/dev/null; then
        fail "wait-exit on a running node did not time out"
    fi
    pass "wait-exit times out on a node that keeps running"
}

source1_came_back()
{
    read_status_row source1 && [[ $row_state == running &&
        $row_pid != "$1" && $row_restarts == 1 ]]
}

test_killed_node_is_restarted()
{
    local old_pid

    old_pid=$(node_pid source1)
    kill -9 "$old_pid"
    eventually 3 source1_came_back "$old_pid" ||
        fail "source1 after kill -9: state '$row_state', pid '$row_pid'," \
            "restarts '$row_restarts'"
    [[ $row_last_exit == "signal 9 (KILL)" ]] ||
        fail "source1 last exit is '$row_last_exit'"
    pid_alive "$row_pid" || fail "the new source1 pid $row_pid is not alive"
    pass "a killed node is restarted with its exit reason recorded"
}

flaky_failed_thrice()
{
    (($(grep -c 'node flaky died (exit 3); restart' \
        "$run_dir/monitor.log") >= 3))
}

test_failing_node_backs_off()
{
    local -a delays_ms=()
    local delay i

    eventually 8 flaky_failed_thrice || fail "flaky was not retried 3 times"
    while read -r delay; do
        delays_ms+=($((10#${delay//./} * 100)))
    done < <(sed -n 's/.*node flaky died.* in \([0-9.]*\)s$/\1/p' \
        "$run_dir/monitor.log" | head -n 3)
    for ((i = 1; i < 3; i++)); do
        ((delays_ms[i] > delays_ms[i - 1])) ||
            fail "backoff did not grow: ${delays_ms[*]} ms"
    done
    read_status_row flaky || fail "status does not list flaky"
    [[ $row_restarts -ge 2 && $row_last_exit == "exit 3"* ]] ||
        fail "flaky: restarts '$row_restarts', last exit '$row_last_exit'"
    pass "a failing node backs off longer each time (${delays_ms[*]} ms)"

    read_status_row badconf || fail "status does not list badconf"
    [[ $row_state == failed && $row_restarts == 0 &&
        $row_last_exit == "exit 2" ]] ||
        fail "badconf: state '$row_state', restarts '$row_restarts'"
    pass "a node exiting 2 (configuration error) is not restarted"
}

test_restart_command()
{
    local old_pid out

    old_pid=$(node_pid relay)
    out=$(cluster restart relay 2>&1) || fail "restart relay failed: $out"
    read_status_row relay || fail "status does not list relay"
    [[ $row_state == running && $row_pid != "$old_pid" &&
        $row_restarts == 1 ]] ||
        fail "relay after restart: '$row_state' pid '$row_pid'," \
            "restarts '$row_restarts'"
    pid_alive "$old_pid" && fail "the old relay pid $old_pid still runs"
    pass "restart replaces a node and counts it"
}

test_second_up_is_refused()
{
    local out rc=0

    out=$(cluster up 2>&1) || rc=$?
    [[ $rc == 1 && $out == *"already runs"* ]] ||
        fail "second up gave status $rc: $out"
    pass "a second up is refused"
}

# Runs the supervisor on a broken cluster file and checks the message.
expect_cluster_error()
{
    local file=$1 location=$2 detail=$3 out rc=0

    out=$("$cluster_cmd" -f "$file" -d "$work_dir/run-broken" status 2>&1) ||
        rc=$?
    [[ $rc == 2 && $out == *"$location"* && $out == *"$detail"* ]] ||
        fail "$file gave status $rc, expected 2 with '$location': $out"
}

test_bad_cluster_files()
{
    expect_cluster_error "$work_dir/dup.cluster" "dup.cluster:4:" "line 1"
    pass "a duplicate node name is an error naming both lines"
    expect_cluster_error "$work_dir/undef.cluster" "undef.cluster:3:" \
        "NOT_DEFINED_ANYWHERE"
    pass "an undefined variable is an error naming file and line"
}

test_exited_node_stayed_down()
{
    local starts
    starts=$(grep -c '^--- .* start #' "$run_dir/logs/replay.log")
    [[ $starts == 1 ]] || fail "replay was started $starts times"
    pass "the exited node was never started again"
}

all_gone()
{
    local pid
    for pid in "$@"; do
        pid_alive "$pid" && return 1
    done
    return 0
}

test_down_stops_everything()
{
    local -a pids=()
    local started out pid_file

    pids+=("$(cat "$run_dir/monitor.pid")")
    for pid_file in "$run_dir"/pids/*.pid; do
        pids+=("$(cat "$pid_file")")
    done
    started=$(now_ms)
    out=$(cluster down 2>&1) || fail "down failed: $out"
    eventually 1 all_gone "${pids[@]}" ||
        fail "processes still alive after down, of: ${pids[*]}"
    (($(now_ms) - started <= 6000)) || fail "down took longer than 6s"
    compgen -G "$run_dir/pids/*.pid" >/dev/null && fail "pid files remain"
    [[ -s $run_dir/logs/source1.log ]] || fail "down removed the logs"
    pass "down stops all ${#pids[@]} recorded processes within 6s"

    out=$(cluster down 2>&1) || fail "a second down failed: $out"
    [[ $out == *"nothing runs"* ]] || fail "second down said: $out"
    read_status_row source1 || fail "status fails after down"
    [[ $row_state == stopped ]] || fail "source1 shows '$row_state' after down"
    pass "down is idempotent and status shows the nodes stopped"
}

main()
{
    start_watchdog
    setup
    test_up_starts_every_node
    test_status_lists_running_nodes
    test_variables_are_expanded
    test_finite_node_is_not_restarted
    test_killed_node_is_restarted
    test_failing_node_backs_off
    test_restart_command
    test_second_up_is_refused
    test_bad_cluster_files
    test_exited_node_stayed_down
    test_down_stops_everything
    printf '%d passed, 0 failed\n' "$passed"
}

main "$@"
