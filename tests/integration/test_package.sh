#!/usr/bin/env bash
# test_package.sh: the .deb that `make deb` builds holds the binaries, the
# supervisor, the unit templates and the shared files, its dependencies
# are met here, and the binaries run from an unpacked copy.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

(cd "$build_dir" && cpack -G DEB -B "$work_dir/pkg") >"$work_dir/cpack.log" 2>&1 ||
    fail "cpack: $(tail -n 5 "$work_dir/cpack.log")"
debs=("$work_dir"/pkg/symphony_*_amd64.deb)
[[ -f ${debs[0]} ]] || fail "no symphony_<version>_amd64.deb in $(ls "$work_dir/pkg")"
deb=${debs[0]}
pass "cpack builds $(basename "$deb")"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's#^\./#/#' >"$work_dir/files"
for path in /usr/bin/symphony-ingest /usr/bin/symphony-transform \
    /usr/bin/symphony-sink /usr/bin/symphony-tap /usr/bin/symphony-top \
    /usr/bin/symphony-cluster \
    /lib/systemd/system/symphony-ingest@.service \
    /lib/systemd/system/symphony-transform@.service \
    /lib/systemd/system/symphony-sink@.service \
    /lib/systemd/system/symphony-tap@.service \
    /usr/share/symphony/Makefile.inc /usr/share/symphony/demo.cluster; do
    grep -qx -- "$path" "$work_dir/files" || fail "$path is not in the package"
done
pass "the package holds the binaries, the supervisor, the units and Makefile.inc"

depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *libmicrohttpd12* && $depends == *libpq5* &&
    $depends == *libzmq5* ]] ||
    fail "Depends lacks the shared libraries: $(dpkg-deb -f "$deb" Depends)"
dpkg --dry-run -i "$deb" >"$work_dir/dpkg.log" 2>&1 ||
    fail "dpkg would not install it: $(tail -n 5 "$work_dir/dpkg.log")"
pass "its dependencies are satisfied on this machine"

root=$work_dir/root
dpkg -x "$deb" "$root"
for node in ingest transform sink tap top; do
    [[ $("$root/usr/bin/symphony-$node" --version) == "symphony-$node "* ]] ||
        fail "symphony-$node --version from the package"
done
grep -q '^usage: symphony-cluster' <<<"$("$root/usr/bin/symphony-cluster" --help)" ||
    fail "symphony-cluster --help from the package"
pass "the unpacked binaries and the supervisor run"

sym_done
