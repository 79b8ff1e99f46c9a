# lib.sh: helpers shared by the integration test scripts (sourced).
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
#
# Each script sets work_dir before calling sym_setup, registers cleanup
# work in sym_cleanup_hooks, and ends with sym_done.

passed=0
sym_cleanup_hooks=()
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
build_dir=${SYMPHONY_BUILD_DIR:-$repo/build}

# The path of a node binary in the build tree.
sym_bin()
{
    echo "$build_dir/nodes/$1/symphony-$1"
}

sym_cleanup()
{
    local hook
    for hook in "${sym_cleanup_hooks[@]}"; do
        eval "$hook" >/dev/null 2>&1 || true
    done
    rm -rf -- "$work_dir"
    if ((${#sym_ports_held[@]})); then
        rm -rf -- "${sym_ports_held[@]}"
    fi
}

sym_setup()
{
    work_dir=$(mktemp -d "${TMPDIR:-/tmp}/symphony-test.XXXXXX")
    trap sym_cleanup EXIT
}

# A failure shows the end of every node's log, so a run that cannot be
# repeated can still be read.
fail()
{
    printf 'FAIL: %s\n' "$*" >&2
    local log
    for log in "${work_dir:-/nonexistent}"/*.log; do
        [[ -f $log ]] || continue
        printf -- '--- %s (last lines)\n' "${log##*/}" >&2
        tail -n 8 -- "$log" >&2
    done
    printf '%d passed, 1 failed\n' "$passed" >&2
    exit 1
}

pass()
{
    passed=$((passed + 1))
    printf 'ok %d - %s\n' "$passed" "$1"
}

sym_done()
{
    printf '%d passed, 0 failed\n' "$passed"
}

now_ms()
{
    local micros=${EPOCHREALTIME//[!0-9]/}
    echo $((micros / 1000))
}

# Polls "$@" every 0.1 s until it succeeds or timeout_s has passed.
eventually()
{
    local timeout_s=$1 deadline
    shift
    deadline=$(($(now_ms) + timeout_s * 1000))
    until "$@"; do
        (($(now_ms) < deadline)) || return 1
        sleep 0.1
    done
}

# eventually_prints SECONDS WANT CMD...: until CMD prints WANT. CMD runs
# again on every try; a $(...) among the arguments of eventually would run
# only once, before the first.
eventually_prints()
{
    local timeout_s=$1 want=$2
    shift 2
    eventually "$timeout_s" s_prints "$want" "$@"
}
s_prints() { local want=$1; shift; [[ $("$@" 2>/dev/null) == "$want" ]]; }

# Ports are held across the scripts ctest runs at once: a folder per port,
# made atomically, with the holder's pid; a dead holder's port is free.
sym_ports_held=()
sym_port_dir=${TMPDIR:-/tmp}/symphony-test-ports
sym_hold_port()
{
    local dir=$sym_port_dir/$1 holder
    mkdir -p "$sym_port_dir"
    if ! mkdir "$dir" 2>/dev/null; then
        holder=$(cat "$dir/pid" 2>/dev/null) || return 1
        kill -0 "$holder" 2>/dev/null && return 1
        rm -rf -- "$dir"
        mkdir "$dir" 2>/dev/null || return 1
    fi
    echo $$ >"$dir/pid"
    sym_ports_held+=("$dir")
}

# A free TCP port on 127.0.0.1, from a range the unit tests do not use,
# never the same twice in one script nor held by another test script.
# Sets the variable named by $1.
sym_ports_given=" "
sym_free_port()
{
    # Below the kernel's ephemeral range: a port in it can be the local end
    # of any outgoing connection, and a bind to it then fails at random.
    local port low
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    ((low > 21000)) || low=61000
    for ((port = 20000 + RANDOM % (low - 20000); ; port++)); do
        ((port < low)) || port=20000
        if [[ $sym_ports_given != *" $port "* ]] &&
            ! ss -Hatn "sport = :$port" | grep -q . &&
            sym_hold_port "$port"; then
            sym_ports_given+="$port "
            printf -v "$1" '%s' "$port"
            return
        fi
    done
}

# Waits for a process to exit and returns its status; fails after
# timeout_s.
sym_wait_pid()
{
    local pid=$1 timeout_s=$2
    eventually "$timeout_s" bash -c "! kill -0 $pid 2>/dev/null" ||
        fail "process $pid still running after ${timeout_s}s"
    wait "$pid"
}
