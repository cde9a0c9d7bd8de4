#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the push-down tests, listening on 127.0.0.1 only.
#
#   Scripts/postgres-test-cluster.sh start   # prints the URL to export as TOUCHSTONE_TEST_POSTGRES
#   Scripts/postgres-test-cluster.sh stop    # stops the server and deletes its data folder
#
# Data folder: $TOUCHSTONE_PG_DIR (default /tmp/touchstone-pg-test); port: $TOUCHSTONE_PG_PORT
# (default 55432). Trust authentication, fsync off: for tests only. As root (CI) the server
# runs as the `postgres` user, since initdb refuses root. Needs Debian's `postgresql` package.
set -euo pipefail
dir="${TOUCHSTONE_PG_DIR:-/tmp/touchstone-pg-test}"
port="${TOUCHSTONE_PG_PORT:-55432}"

bin_of() {
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
    # Debian keeps the server tools in a versioned folder off PATH.
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] || { echo "postgres-test-cluster: $1 not found (apt-get install postgresql)" >&2; exit 1; }
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    initdb=$(bin_of initdb); pg_ctl=$(bin_of pg_ctl)
    if [ -f "$dir/postmaster.pid" ]; then
        echo "postgres-test-cluster: already running in $dir" >&2
    else
        rm -rf "$dir"
        mkdir -p "$dir"
        [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
        chmod 700 "$dir"
        as_owner "$initdb" -D "$dir" --auth=trust -U postgres -E UTF8 --no-instructions >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
        as_owner "$pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -f "$dir/postmaster.pid" ]; then
        as_owner "$(bin_of pg_ctl)" -D "$dir" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir" "$dir.initdb.log"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
