#!/usr/bin/env bash
# test_key_files.sh: key files with loose modes or bad contents, and bad
# limit values, stop a node at start with exit 2 and a message naming the
# file and what was expected.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
sym_setup

keys=$work_dir/keys
mkdir -p "$keys/allow"
"$(sym_bin keygen)" --out "$keys/node.cert"
[[ $(stat -c %a "$keys/node.cert_secret") == 600 ]] ||
    fail "secret file mode $(stat -c %a "$keys/node.cert_secret")"
grep -q 'public-key' "$keys/node.cert" && ! grep -q 'secret-key' "$keys/node.cert" ||
    fail "the public certificate holds the secret key"
pass "symphony-keygen writes a public certificate and a 0600 secret one"

"$(sym_bin keygen)" --out "$keys/node.cert" 2>"$work_dir/again.log" &&
    fail "keygen overwrote a key"
grep -q "not overwriting" "$work_dir/again.log" || fail "$(cat "$work_dir/again.log")"
pass "symphony-keygen never overwrites a key"

# expect_refusal WHAT PATTERN ARGS...: the transform exits 2 at once.
expect_refusal()
{
    local what=$1 pattern=$2 rc=0
    shift 2
    sym_free_port node_port
    "$(sym_bin transform)" --pull "@tcp://127.0.0.1:$node_port" \
        --push ">tcp://127.0.0.1:$node_port" "$@" 2>"$work_dir/err.log" || rc=$?
    ((rc == 2)) || fail "$what: exit $rc, expected 2: $(cat "$work_dir/err.log")"
    grep -q -- "$pattern" "$work_dir/err.log" ||
        fail "$what: message: $(cat "$work_dir/err.log")"
    pass "$what is refused at start"
}

chmod 644 "$keys/node.cert_secret"
expect_refusal "a secret key readable by others" \
    "node.cert_secret: mode 644 is too open" \
    --curve-secret "$keys/node.cert_secret" --curve-allow "$keys/allow"
chmod 600 "$keys/node.cert_secret"

printf 'curve\n    secret-key = "not a key"\n' >"$keys/bad.cert_secret"
chmod 600 "$keys/bad.cert_secret"
expect_refusal "a secret file without a valid key pair" \
    "bad.cert_secret: expected a czmq secret certificate" \
    --curve-secret "$keys/bad.cert_secret" --curve-allow "$keys/allow"

expect_refusal "a server key that is neither a file nor a key" \
    "no-such-key" --curve-secret "$keys/node.cert" \
    --curve-server-key no-such-key --curve-allow "$keys/allow"

chmod 777 "$keys/allow"
expect_refusal "an allow folder writable by others" "allow: mode 777" \
    --curve-secret "$keys/node.cert" --curve-allow "$keys/allow"
chmod 755 "$keys/allow"

expect_refusal "a bound CURVE socket without an allow-list" \
    "needs '--curve-allow'" --curve-secret "$keys/node.cert" \
    --curve-server-key "$keys/node.cert"

expect_refusal "--max-fields 0" "option '--max-fields': expected 1 to 256" \
    --max-fields 0
expect_refusal "--max-msg-bytes -1" "option '--max-msg-bytes'" \
    --max-msg-bytes -1
sym_done
