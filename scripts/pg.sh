#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port and prints its admin URL.
#   url=$(scripts/pg.sh start)   ...   scripts/pg.sh stop
# Installs PostgreSQL from Debian's packages when it is missing. Data lives in /tmp and is
# deleted on stop; fsync is off because nothing here needs to survive a crash.
set -euo pipefail
STATE=${CNIS_PG_DIR:-/tmp/cnis-test-pg}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    BIN=$(pg_bin)
    if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
      echo "installing postgresql..." >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
      BIN=$(pg_bin)
    fi
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$STATE"
    [ "$(id -u)" = 0 ] && chown postgres "$STATE"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$BIN/initdb" -D "$STATE/data" -A trust -U postgres --no-sync >/dev/null
    as_pg "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/log" -w \
      -o "-p $PORT -k $STATE -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    echo "$PORT" > "$STATE/port"
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(pg_bin)
    if [ -d "$STATE/data" ] && [ -n "$BIN" ]; then
      as_pg "$BIN/pg_ctl" -D "$STATE/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
