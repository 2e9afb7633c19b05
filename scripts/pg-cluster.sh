#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, on a free loopback port.
#
#   scripts/pg-cluster.sh start DIR   initdb (trust auth, UTF8, no locale) into DIR/data, start the
#                                     server on 127.0.0.1 with its socket in DIR, print its URL
#                                     (postgresql://postgres@127.0.0.1:PORT/postgres) and write it
#                                     to DIR/url. A cluster already in DIR is stopped and replaced.
#   scripts/pg-cluster.sh stop DIR    stop the server and remove DIR/data and DIR/url (the logs
#                                     stay). Stopping a DIR without a cluster succeeds.
#
# Durability is off (fsync, synchronous_commit, full_page_writes): the data is thrown away.
# As root, initdb and the server run as the `postgres` user (postgresql-15 creates it).
# PG_BIN overrides the binaries' folder (default /usr/lib/postgresql/15/bin).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
action=$1
dir=$2
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_postgres=()
if [[ $(id -u) -eq 0 ]]; then
  as_postgres=(runuser -u postgres --)
fi

stop_cluster() {
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop \
      >>"$dir/pg_ctl.log" 2>&1 || true
  fi
  rm -rf "$dir/data" "$dir/url"
}

case $action in
  start)
    if [[ ! -x "$pg_bin/initdb" ]]; then
      echo "$0: PostgreSQL 15 is not installed ($pg_bin/initdb): run scripts/deps.sh" >&2
      exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    stop_cluster
    if [[ ${#as_postgres[@]} -gt 0 ]]; then
      if ! id postgres >/dev/null 2>&1; then
        echo "$0: running as root needs the postgres user (postgresql-15 creates it)" >&2
        exit 1
      fi
      chown postgres: "$dir"
      # The server needs to reach DIR through every folder above it.
      parent=$(dirname "$dir")
      while [[ $parent != / ]]; do
        chmod o+x "$parent"
        parent=$(dirname "$parent")
      done
    fi
    if ! "${as_postgres[@]}" "$pg_bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
      --no-locale >"$dir/initdb.log" 2>&1; then
      echo "$0: initdb failed: see $dir/initdb.log" >&2
      exit 1
    fi
    # A port taken between the pick and the bind makes the start fail: pick again.
    for _ in $(seq 1 20); do
      port=$((20000 + RANDOM % 40000))
      options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
      options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      if "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -o "$options" -l "$dir/server.log" \
        -w -t 60 start >>"$dir/pg_ctl.log" 2>&1; then
        url="postgresql://postgres@127.0.0.1:$port/postgres"
        echo "$url" >"$dir/url"
        echo "$url"
        exit 0
      fi
    done
    echo "$0: the server did not start: see $dir/server.log" >&2
    exit 1
    ;;
  stop)
    [[ -d "$dir" ]] || exit 0
    dir=$(cd "$dir" && pwd)
    stop_cluster
    ;;
  *)
    usage
    ;;
esac
