# pg.sh: a throwaway PostgreSQL server for the integration tests (sourced
# after lib.sh). Runs as the postgres user when the tests run as root.
# Copyright (c) 2026 The Symphony authors
# SPDX-License-Identifier: MIT

pg_bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null |
    sort -V | tail -n 1)

# Runs a server command as a user that PostgreSQL accepts.
sym_pg_as()
{
    if (($(id -u) == 0)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Starts a server on a free port; sets pg_conninfo and pg_dir, registers
# its stop with the cleanup hooks.
sym_pg_start()
{
    [[ -x $pg_bindir/initdb ]] ||
        fail "no PostgreSQL server binaries (install postgresql)"
    sym_free_port pg_port
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/symphony-pg.XXXXXX")
    sym_cleanup_hooks+=("sym_pg_as $pg_bindir/pg_ctl -D $pg_dir/data \
        -m immediate stop; rm -rf -- $pg_dir")
    if (($(id -u) == 0)); then
        chown postgres: "$pg_dir"
    fi
    sym_pg_as "$pg_bindir/initdb" -D "$pg_dir/data" -U symphony \
        --auth=trust -E UTF8 --no-sync >"$pg_dir/initdb.log" 2>&1 ||
        fail "initdb: $(tail -n 3 "$pg_dir/initdb.log")"
    pg_conninfo="host=127.0.0.1 port=$pg_port user=symphony dbname=postgres"
    sym_pg_ctl start || fail "postgres: $(tail -n 5 "$pg_dir/server.log")"
}

# pg_ctl start, stop or restart for the test server; waits until done.
sym_pg_ctl()
{
    sym_pg_as "$pg_bindir/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
        -w -m fast -o "-p $pg_port -k $pg_dir \
        -c listen_addresses=127.0.0.1 -c fsync=off" "$1" >/dev/null
}

# One value from a query.
sym_pg_query()
{
    psql -X -A -t -q -d "$pg_conninfo" -c "$1"
}
