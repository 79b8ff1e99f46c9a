# faults.sh: helpers for the fault tests (sourced after lib.sh): start
# nodes by name, read their stats records through a tap, and check the
# sink's account of every stream against what ingest says it sent.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT

# The paced input: 4 streams x 5,000 records/s = 20,000 records/s.
fault_rate=20000
fault_ingest_args=(--source sim --sim-expeditions 2 --sim-channels 2
    --sim-rate 5000)
fault_pids=()
sym_cleanup_hooks+=('kill -9 "${fault_pids[@]}"')

# start NAME NODE ARGS...: runs symphony-NODE --name NAME ARGS in the
# background, logging to $work_dir/NAME.log; its pid is in pid_NAME.
start()
{
    local name=$1 node=$2
    shift 2
    "$(sym_bin "$node")" --name "$name" "$@" >>"$work_dir/$name.out" \
        2>>"$work_dir/$name.log" &
    printf -v "pid_$name" '%s' "$!"
    fault_pids+=("$!")
}

# watch NAME PORT: a tap printing the stats records published on PORT
# into $work_dir/NAME.stats.
watch_stats()
{
    local name=$1 port=$2
    "$(sym_bin tap)" --name "watch-$name" --stats \
        --connect ">tcp://127.0.0.1:$port" >"$work_dir/$name.stats" \
        2>>"$work_dir/watch-$name.log" &
    fault_pids+=("$!")
}

# stat_of NAME FIELD: FIELD of the last stats record NAME published (empty
# when there is none yet).
stat_of()
{
    local line
    line=$(grep " node=[a-z]*\.$1 " "$work_dir/$1.stats" 2>/dev/null |
        tail -n 1) || true
    [[ $line =~ \ $2=([-0-9.]+) ]] && echo "${BASH_REMATCH[1]}"
}

# stat_above NAME FIELD VALUE: true once FIELD is above VALUE.
stat_above()
{
    local now
    now=$(stat_of "$1" "$2")
    [[ -n $now ]] && ((${now%.*} > $3))
}

# rate_between NAME T0_READ T0_UP T1_READ T1_UP: records per second.
rate_between()
{
    echo $((($3 - $1) * 1000 / ($4 - $2)))
}

# within_pct VALUE TARGET PCT: true when VALUE is within PCT % of TARGET.
within_pct()
{
    local diff=$(($1 - $2))
    ((diff < 0)) && diff=$((-diff))
    ((diff * 100 <= $2 * $3))
}

# stop_node NAME: SIGTERM, then fail unless it exits 0 within 2 s.
stop_node()
{
    local pid_var="pid_$1" rc=0
    kill -TERM "${!pid_var}"
    sym_wait_pid "${!pid_var}" 2 || rc=$?
    ((rc == 0)) || fail "$1 exited with $rc on SIGTERM"
}

query()
{
    sqlite3 -batch -noheader "$1" "$2"
}

# check_accounts DB INGEST_LOG...: for every (stream, epoch) an ingest
# log says it sent, the sink's account must read
#   sent = stored + removed on purpose + lost
# with stored counted in the records table and removed in removals, and
# the account's own figures must agree. Prints "lost=N removed=M".
check_accounts()
{
    local db=$1 log stream epoch sent row lost_total=0 removed_total=0
    shift
    for log in "$@"; do
        while read -r stream epoch sent; do
            row=$(query "$db" "SELECT expected, delivered, removed, lost,
                (SELECT count(*) FROM records r WHERE r.stream = s.stream
                    AND r.epoch = s.epoch),
                (SELECT coalesce(sum(count), 0) FROM removals m
                    WHERE m.stream = s.stream AND m.epoch = s.epoch)
                FROM streams s WHERE stream = '$stream' AND epoch = $epoch")
            [[ -n $row ]] || fail "no account for $stream/$epoch"
            IFS='|' read -r expected delivered removed lost stored removals \
                <<<"$row"
            ((expected == sent && delivered == stored &&
                removed == removals &&
                sent == stored + removed + lost)) ||
                fail "$stream/$epoch: sent=$sent expected=$expected" \
                    "stored=$stored/$delivered removed=$removed/$removals" \
                    "lost=$lost"
            lost_total=$((lost_total + lost))
            removed_total=$((removed_total + removed))
        done < <(sed -n 's/.*stream sent stream=\([^ ]*\) epoch=\([0-9]*\) sent=\([0-9]*\).*/\1 \2 \3/p' "$log")
    done
    echo "lost=$lost_total removed=$removed_total"
}

# stop_counter LOG COUNTER: a counter from ingest's stop line.
stop_counter()
{
    sed -n "s/.*node: stopped .* $2=\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# ms_until TIMEOUT_MS T0_MS CMD...: polls CMD every 20 ms; prints the ms
# from T0_MS until it first succeeds, or fails after TIMEOUT_MS. A
# finer poll than eventually's, for the delays the fault tests measure.
ms_until()
{
    local timeout_ms=$1 t0=$2
    shift 2
    until "$@"; do
        (($(now_ms) - t0 < timeout_ms)) || return 1
        sleep 0.02
    done
    echo $(($(now_ms) - t0))
}
