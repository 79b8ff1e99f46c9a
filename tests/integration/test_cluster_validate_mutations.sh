#!/usr/bin/env bash
# test_cluster_validate_mutations.sh: symphony-cluster validate on random
# mutations of the demo cluster file (truncated lines, unknown binaries,
# bad endpoints, duplicate names, unbalanced quotes, binary garbage)
# rejects each broken file with exit 2 and FILE:LINE of the broken line,
# and never hangs or trips over its own bash.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

cluster=$repo/deploy/symphony-cluster
export SYMPHONY_BIN=$work_dir/bin
mkdir -p "$SYMPHONY_BIN"
for node in ingest transform sink tap; do
    ln -s "$(sym_bin "$node")" "$SYMPHONY_BIN/"
done
export DATA_DIR=$repo/data/qb50-se01
per_kind=${SYMPHONY_MUTATIONS:-12}
seed=${SYMPHONY_MUTATION_SEED:-$(date +%s)}
RANDOM=$seed
echo "# seed $seed (SYMPHONY_MUTATION_SEED), $per_kind mutations per kind"

mapfile -t demo <"$repo/deploy/demo.cluster"
node_lines=()
for i in "${!demo[@]}"; do
    [[ ${demo[i]} == [a-z]* ]] && node_lines+=("$i")
done
((${#node_lines[@]} >= 4)) || fail "demo.cluster has too few node lines"

# Sets line to the index of a random node line of demo.cluster.
pick_line()
{
    line=${node_lines[RANDOM % ${#node_lines[@]}]}
}

# Writes demo.cluster with line index $1 replaced by $2 (raw bytes).
write_mutant()
{
    local -i i
    for i in "${!demo[@]}"; do
        if ((i == $1)); then
            printf '%s\n' "$2"
        else
            printf '%s\n' "${demo[i]}"
        fi
    done >"$work_dir/m.cluster"
}

# Runs validate on the mutant; sets rc and out. A hang, a crash or an
# error of bash itself fails the test whatever the mutation was.
run_validate()
{
    rc=0
    timeout 30 "$cluster" -f "$work_dir/m.cluster" -d "$work_dir/run" \
        validate >"$work_dir/out" 2>&1 || rc=$?
    out=$(<"$work_dir/out")
    ((rc != 124)) || fail "$1: validate hangs; file kept as $(keep)"
    ((rc == 0 || rc == 2)) || fail "$1: exit $rc: $out; file $(keep)"
    if grep -qE 'line [0-9]+: |unbound variable|syntax error|bad (array )?subscript|command not found|bad substitution' \
        "$work_dir/out"; then
        fail "$1: bash error: $out; file $(keep)"
    fi
}

# Keeps the failing mutant beside the build for a look; prints its path.
keep()
{
    local kept=${SYMPHONY_BUILD_DIR:-$repo/build}/validate-mutant.cluster
    cp "$work_dir/m.cluster" "$kept" 2>/dev/null && echo "$kept"
}

# The mutant must be rejected, naming its file and line $2 (1-based).
expect_rejected()
{
    run_validate "$1"
    ((rc == 2)) || fail "$1: accepted: $out; file $(keep)"
    grep -qF -- "m.cluster:$2: " "$work_dir/out" ||
        fail "$1: line $2 not named: $out; file $(keep)"
}

# Rejected with the line named, or accepted: whether a cut line is still
# a good node depends on where it was cut.
expect_named_or_valid()
{
    run_validate "$1"
    ((rc == 0)) && return 0
    grep -qE -- "m.cluster:[0-9]+: " "$work_dir/out" ||
        fail "$1: no FILE:LINE in: $out; file $(keep)"
}

cp "$repo/deploy/demo.cluster" "$work_dir/m.cluster"
run_validate "demo.cluster as it is"
((rc == 0)) || fail "demo.cluster does not validate: $out"
pass "demo.cluster validates"

# Mutants that once broke validate, whatever the seed: an empty tcp host
# on a connect stopped bash on an unbound variable.
line=${node_lines[${#node_lines[@]} - 1]}
write_mutant "$line" "${demo[line]//>tcp:\/\/127.0.0.1:/>tcp://:}"
expect_rejected "empty tcp host on line $((line + 1))" $((line + 1))
pass "mutants that once broke validate are rejected"

for ((n = 0; n < per_kind; n++)); do
    pick_line
    text=${demo[line]}
    cut=$((RANDOM % ${#text}))
    write_mutant "$line" "${text:0:cut}"
    if [[ ${text:0:cut} =~ \$\{[^}]*$ ]]; then
        expect_rejected "line $((line + 1)) cut at $cut" $((line + 1))
    else
        expect_named_or_valid "line $((line + 1)) cut at $cut"
    fi
done
pass "truncated lines: rejected with FILE:LINE, or still valid"

for ((n = 0; n < per_kind; n++)); do
    pick_line
    read -r name binary rest <<<"${demo[line]}"
    choices=("symphony-nosuch$RANDOM" "./missing-$RANDOM" "/nonexistent/symphony-sink"
        "${binary}x" "SYMPHONY-SINK")
    write_mutant "$line" "$name ${choices[RANDOM % ${#choices[@]}]} $rest"
    expect_rejected "unknown binary on line $((line + 1))" $((line + 1))
done
pass "unknown binaries: rejected, naming the line"

bad_endpoints=("tcp://127.0.0.1:" "tcp://:7101" "tcp://127.0.0.1:0"
    "tcp://127.0.0.1:65536" "tcp://127.0.0.1:71o1" "tcp//127.0.0.1:7101"
    "udp://127.0.0.1:7101" "tcp://127.0.0.1" "tcp://" "--on-full"
    "tcp://127.0.0.1:99999999999999999999")
for ((n = 0; n < per_kind; n++)); do
    pick_line
    bad=${bad_endpoints[RANDOM % ${#bad_endpoints[@]}]}
    # The first endpoint of the line, @ or > kept.
    mutant=$(sed -E "s#([@>])tcp://[^ ]*#\\1${bad//&/\\&}#" <<<"${demo[line]}")
    [[ $mutant != "${demo[line]}" ]] || fail "no endpoint on line $((line + 1))"
    write_mutant "$line" "$mutant"
    expect_rejected "endpoint '$bad' on line $((line + 1))" $((line + 1))
done
pass "bad endpoints: rejected, naming the line"

for ((n = 0; n < per_kind; n++)); do
    pick_line
    other=${node_lines[RANDOM % ${#node_lines[@]}]}
    ((other != line)) || continue
    read -r first _ <<<"${demo[other]}"
    read -r _ rest <<<"${demo[line]}"
    write_mutant "$line" "$first $rest"
    later=$((line > other ? line : other))
    expect_rejected "name '$first' twice" $((later + 1))
done
pass "duplicate names: rejected, naming the second line"

for ((n = 0; n < per_kind; n++)); do
    pick_line
    text=${demo[line]}
    at=$((RANDOM % (${#text} + 1)))
    write_mutant "$line" "${text:0:at}\"${text:at}"
    expect_rejected "quote at $at of line $((line + 1))" $((line + 1))
done
pass "unbalanced quotes: rejected, naming the line"

for ((n = 0; n < per_kind; n++)); do
    pick_line
    garbage=$(head -c $((1 + RANDOM % 200)) /dev/urandom | tr -d '\n\000')
    # A node name first, so the garbage reaches the binary and arguments;
    # every other time the whole line is garbage.
    ((n % 2)) && garbage="node$n $garbage"
    write_mutant "$line" "$garbage"
    run_validate "garbage on line $((line + 1))"
    words=$(LC_ALL=C tr -d '[:space:]' <<<"${garbage%%#*}")
    if ((rc == 0)); then
        [[ -z $words ]] ||
            fail "garbage on line $((line + 1)) accepted: $out; file $(keep)"
    else
        grep -qE -- "m.cluster:[0-9]+: " "$work_dir/out" ||
            fail "garbage: no FILE:LINE in: $out; file $(keep)"
    fi
done
pass "binary garbage: rejected with FILE:LINE unless blank or a comment"

sym_done
