#!/usr/bin/env bash
# test_fault_shutdown.sh: under load, every node stops on SIGTERM within
# 2 s, removes its ipc endpoint files, and a restarted node binds the
# same tcp and ipc endpoints at once.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/faults.sh"
sym_setup

db=$work_dir/t.db
t_ipc=$work_dir/transform.ipc
for p in s_in i_pub s_st; do sym_free_port "$p"; done

sink_args=(--pull "@tcp://127.0.0.1:$s_in" --output "sqlite:$db"
    --stats-pub "@tcp://127.0.0.1:$s_st" --stats-ms 100)
transform_args=(--pull "@ipc://$t_ipc" --push ">tcp://127.0.0.1:$s_in")
ingest_args=("${fault_ingest_args[@]}" --push ">ipc://$t_ipc"
    --pub "@tcp://127.0.0.1:$i_pub")
tap_args=(--stats --connect ">tcp://127.0.0.1:$i_pub")
start sink sink "${sink_args[@]}"
start transform transform "${transform_args[@]}"
start ingest ingest "${ingest_args[@]}"
start tap tap "${tap_args[@]}"
watch_stats sink "$s_st"
eventually 5 stat_above sink received 10000 || fail "nothing reached the sink"

# started NAME: the node's log has one more start line than before.
started()
{
    (($(grep -c 'node: started' "$work_dir/$1.log") > $2))
}

for name in transform ingest tap sink; do
    args_var="${name}_args[@]"
    before=$(grep -c 'node: started' "$work_dir/$name.log")
    t0=$(now_ms)
    stop_node "$name"
    elapsed=$(($(now_ms) - t0))
    if [[ $name == transform ]]; then
        [[ ! -e $t_ipc ]] || fail "the transform left $t_ipc behind"
    fi
    start "$name" "$name" "${!args_var}"
    pid_var="pid_$name"
    eventually 2 started "$name" "$before" ||
        fail "$name did not start again: $(tail -n 3 "$work_dir/$name.log")"
    kill -0 "${!pid_var}" 2>/dev/null ||
        fail "$name exited after restart: $(tail -n 3 "$work_dir/$name.log")"
    pass "$name stopped in $elapsed ms and started again on its endpoints"
done

received=$(stat_of sink received)
eventually 3 stat_above sink received $((received + 10000)) ||
    fail "records do not flow after the restarts"
pass "records flow again through the restarted nodes"

for name in ingest tap transform sink; do
    stop_node "$name"
done
[[ ! -e $t_ipc ]] || fail "$t_ipc left behind"
pass "all nodes stop on SIGTERM within 2 s"

sym_done
