#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and development (Debian's binaries, loopback only, trust auth).
#
#   scripts/postgres.sh start    initdb once into .cache/postgres/data, start, wait, print the URL
#                                (idempotent: prints the URL when already running)
#   scripts/postgres.sh stop     fast shutdown
#   scripts/postgres.sh status   exit 0 and print the URL when it accepts connections, exit 1 otherwise
#   scripts/postgres.sh url      print the URL
#   scripts/postgres.sh reset    stop and delete the data directory
#
# Environment: PGPORT (55432), PG_CACHE_DIR (.cache/postgres), PG_START_TIMEOUT (60 s).
# As root (CI, containers) the server runs as the `postgres` OS user: initdb refuses root. Should that user
# be unable to reach the checkout, the data moves to /var/tmp/taskwire-postgres-<hash of the checkout path>.
# fsync stays on: crash tests rely on it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PGPORT:-55432}"
URL="postgres://postgres@127.0.0.1:$PORT/postgres"
START_TIMEOUT="${PG_START_TIMEOUT:-60}"

say() { echo "postgres.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] ||
    die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: apt-get install -y postgresql"
  BIN="$dir"
}

# Who runs the server, and where its files live.
setup_user() {
  CACHE="${PG_CACHE_DIR:-$ROOT/.cache/postgres}"
  RUN_AS=()
  if [[ "$(id -u)" == 0 ]]; then
    getent passwd postgres >/dev/null ||
      die "running as root needs the 'postgres' OS user (initdb refuses root): apt-get install -y postgresql"
    command -v runuser >/dev/null 2>&1 || die "runuser not found (util-linux)"
    RUN_AS=(runuser -u postgres --)
    mkdir -p "$CACHE"
    if ! (cd / && runuser -u postgres -- test -x "$CACHE"); then
      local alt
      alt="/var/tmp/taskwire-postgres-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
      [[ -z "${PG_CACHE_DIR:-}" ]] || die "the postgres OS user cannot reach PG_CACHE_DIR=$CACHE"
      CACHE="$alt"
      mkdir -p "$CACHE"
    fi
    chown postgres: "$CACHE"
    chmod 700 "$CACHE"
  else
    mkdir -p "$CACHE"
  fi
  DATA="$CACHE/data"
  LOG="$CACHE/postgres.log"
}

as_owner() { (cd / && "${RUN_AS[@]}" "$@"); }

accepting() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres -U postgres -t 2 >/dev/null 2>&1; }

ours_running() { [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  say "initdb into $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$CACHE/initdb.log" 2>&1 || {
    cat "$CACHE/initdb.log" >&2
    die "initdb failed"
  }
  cat >>"$DATA/postgresql.conf" <<'EOF'

# scripts/postgres.sh: a local test server
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 300
shared_buffers = 128MB
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
  # The port comes from the command line, so one data directory serves any PGPORT.
}

wait_accepting() {
  local deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    accepting && return 0
    ours_running || return 1
    sleep 0.2
  done
  return 1
}

start() {
  find_bin
  setup_user
  if ours_running; then
    if wait_accepting; then
      echo "$URL"
      return 0
    fi
    # A server that just died (killed) can look alive for a moment; one that lives on is stuck.
    ours_running && die "server in $DATA is running but not accepting connections on port $PORT (see $LOG)"
    say "the previous server is gone; starting a new one"
  fi
  if accepting; then
    die "port $PORT is taken by another PostgreSQL; set PGPORT, or point the tests at it with TEST_DATABASE_URL"
  fi
  init_cluster
  local t0=$SECONDS
  as_owner "$BIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t "$START_TIMEOUT" -o "-p $PORT" >/dev/null 2>&1 || {
    tail -n 20 "$LOG" >&2 || true
    die "PostgreSQL did not start (log: $LOG)"
  }
  wait_accepting || {
    tail -n 20 "$LOG" >&2 || true
    die "PostgreSQL is not accepting connections on 127.0.0.1:$PORT (log: $LOG)"
  }
  say "ready on 127.0.0.1:$PORT in $((SECONDS - t0))s (data: $DATA)"
  echo "$URL"
}

stop() {
  find_bin
  setup_user
  if ours_running; then
    as_owner "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

status() {
  find_bin
  setup_user
  if ours_running && accepting; then
    say "running (data: $DATA)"
    echo "$URL"
    return 0
  fi
  say "stopped"
  return 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
restart)
  stop
  start
  ;;
status) status ;;
url) echo "$URL" ;;
reset)
  stop
  rm -rf "$DATA"
  say "data removed"
  ;;
*)
  echo "usage: scripts/postgres.sh start|stop|restart|status|url|reset" >&2
  exit 2
  ;;
esac
