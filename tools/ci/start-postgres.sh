#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the namespace tests and benchmark (no systemd needed).
# Run as root on Debian; installs the `postgresql` package if no server binaries are present.
#   eval "$(tools/ci/start-postgres.sh)"   # exports CAIRN_TEST_POSTGRES for `dotnet test`
# Idempotent: a cluster already running in the data directory is reused. Stop it with
#   runuser -u postgres -- pg_ctl -D "$CAIRN_PG_DIR" stop
# Settings (env): CAIRN_PG_PORT (55432, away from a system cluster's 5432), CAIRN_PG_DIR (/tmp/cairn-pg-<port>).
set -euo pipefail

port="${CAIRN_PG_PORT:-55432}"
dir="${CAIRN_PG_DIR:-/tmp/cairn-pg-$port}"
user=cairn password=cairn database=cairn

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin="$(find_bin)"
if [[ -z "$bin" ]]; then
  echo "start-postgres: installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # The package's own cluster may fail to start without an init system; we run our own below.
  apt-get install -y -qq --no-install-recommends postgresql >&2 || true
  bin="$(find_bin)"
  [[ -n "$bin" ]] || { echo "start-postgres: postgresql install failed" >&2; exit 1; }
fi

# initdb and the server refuse to run as root.
as_pg() { runuser -u postgres -- "$@"; }
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres

if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  if [[ ! -f "$dir/PG_VERSION" ]]; then
    mkdir -p "$dir" && chown postgres: "$dir" && chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 --data-checksums >&2
  fi
  # Loopback only; the Unix socket lives in the data directory so several clusters never collide.
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200" start >&2
fi

psql_pg() {
  as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != 1 ]]; then
  psql_pg -d postgres -c "CREATE ROLE $user LOGIN PASSWORD '$password'" >&2
fi
if [[ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
  psql_pg -d postgres -c "CREATE DATABASE $database OWNER $user" >&2
fi

conn="Host=127.0.0.1;Port=$port;Username=$user;Password=$password;Database=$database"
echo "start-postgres: ready on 127.0.0.1:$port (data $dir)" >&2
echo "export CAIRN_TEST_POSTGRES='$conn'"
