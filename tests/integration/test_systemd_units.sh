#!/usr/bin/env bash
# test_systemd_units.sh: every unit in deploy/systemd passes
# `systemd-analyze verify` with no complaint at all, pointed at the built
# binaries; the units run what they name.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

command -v systemd-analyze >/dev/null ||
    fail "systemd-analyze is missing (deploy/install-deps test installs it)"

units=("$repo"/deploy/systemd/symphony-*@.service)
((${#units[@]} == 4)) || fail "expected 4 unit templates, found ${#units[@]}"

# verify UNIT: verify must succeed and say nothing; it only warns about
# unknown keys or bad values, so any output is a failure.
verify() {
    (cd "$(dirname "$1")" &&
        systemd-analyze verify --man=no "./$(basename "$1")") \
        >"$work_dir/verify.out" 2>&1 || return 1
    [[ ! -s $work_dir/verify.out ]]
}

for unit in "${units[@]}"; do
    name=$(basename "$unit")
    node=${name#symphony-}
    node=${node%@.service}
    # verify needs ExecStart's binary to exist: use the built one, in a
    # copy of the template and of an instance of it.
    sed "s#/usr/bin/symphony-$node#$(sym_bin "$node")#" "$unit" \
        >"$work_dir/$name"
    cp "$work_dir/$name" "$work_dir/${name%.service}demo.service"
    grep -q "^ExecStart=$(sym_bin "$node") " "$work_dir/$name" ||
        fail "$name does not start /usr/bin/symphony-$node"
    for copy in "$work_dir/$name" "$work_dir/${name%.service}demo.service"; do
        verify "$copy" ||
            fail "systemd-analyze verify $(basename "$copy"): $(cat "$work_dir/verify.out")"
    done
    grep -q '^Type=notify$' "$unit" && grep -q '^WatchdogSec=' "$unit" &&
        grep -q '^DynamicUser=yes$' "$unit" &&
        grep -q '^ProtectSystem=strict$' "$unit" &&
        grep -q '^NoNewPrivileges=yes$' "$unit" &&
        grep -q '^EnvironmentFile=/etc/symphony/%i.env$' "$unit" ||
        fail "$name lacks notify, watchdog, sandboxing or its env file"
    pass "$name verifies cleanly, notify with watchdog, sandboxed"
done

# The verifier must catch a mistake, or the checks above prove nothing.
sed 's/^Restart=on-failure/Restartt=on-failure/' "$work_dir/$(basename "${units[0]}")" \
    >"$work_dir/broken@.service"
! verify "$work_dir/broken@.service" || fail "a misspelt key passed"
pass "a misspelt key fails the same check"

sym_done
