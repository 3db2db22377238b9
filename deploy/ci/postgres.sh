#!/usr/bin/env bash
# Starts a throwaway PostgreSQL from Debian's packages for the tests: a
# non-root user, a loopback port, data in a temporary directory.
#
#   deploy/ci/postgres.sh start DIR [PORT]   initdb DIR and start; prints the URL
#   deploy/ci/postgres.sh stop DIR           stop the server of DIR
#
# The URL printed is postgres://civilflow:civilflow@127.0.0.1:PORT/postgres?sslmode=disable;
# the role may create databases (each test creates and drops its own). Run as
# root, DIR's parent directories must be searchable by the "postgres" user.
set -euo pipefail

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ]; then
    echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
  fi
  echo "$d"
}

# as runs a command as the owner of the data directory: PostgreSQL refuses
# to run as root, so root hands it to the "postgres" user of Debian's package.
as() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n 2,10p "$0" >&2; exit 2; }
bin=$(bindir)

case "$cmd" in
start)
  port=${3:-55432}
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if ! [ -f "$dir/PG_VERSION" ]; then
    pw=$(mktemp); log=$(mktemp); echo civilflow >"$pw"; chmod 644 "$pw"
    as "$bin/initdb" -D "$dir" -U civilflow --pwfile="$pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$log" 2>&1 ||
      { cat "$log" >&2; rm -f "$pw" "$log"; exit 1; }
    rm -f "$pw" "$log"
  fi
  # Sockets go in the data directory, not /run/postgresql (absent or root-owned
  # on a fresh machine). fsync stays on: tests of durability mean it.
  as "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300" start >/dev/null
  echo "postgres://civilflow:civilflow@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  as "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  ;;
*)
  sed -n 2,10p "$0" >&2; exit 2
  ;;
esac
