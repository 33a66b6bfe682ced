#!/usr/bin/env bash
# Start a throw-away local PostgreSQL server (Debian packages) for the store tests and print
# the URL the tests take from FORESIGHT_TEST_DATABASE_URL. Stop it with: .ci/postgres.sh stop DIR
set -euo pipefail
PORT=${FORESIGHT_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
if [ "${1:-}" = "stop" ]; then
  su postgres -c "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl -D '$2' -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=$(mktemp -d /tmp/foresight-pg.XXXXXX)
chown postgres: "$DATA"
su postgres -c "$PGBIN/initdb -D '$DATA' -A trust -U postgres --no-sync" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D '$DATA' -l '$DATA/server.log' -w -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
echo "$DATA postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
