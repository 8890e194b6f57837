# Starts a throwaway PostgreSQL 15 on loopback for tests, in a temporary data
# directory. PostgreSQL refuses to run as root, so as root it runs as the
# `postgres` user. Sets PGTEST_PORT, PGTEST_DIR; stop with stop_test_postgres.
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start_test_postgres() {
  local user="$1" password="$2"
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL 15 is not installed ($PG_BIN/initdb missing); install the Debian package postgresql-15." >&2
    return 1
  fi
  PGTEST_DIR="$(mktemp -d /tmp/pgtest.XXXXXX)"
  PGTEST_PORT="$(free_port)"
  [ "$(id -u)" = 0 ] && chown postgres "$PGTEST_DIR"
  as_pg "$PG_BIN/initdb" -D "$PGTEST_DIR/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 >"$PGTEST_DIR/initdb.log" 2>&1 || { cat "$PGTEST_DIR/initdb.log" >&2; return 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/server.log" -w \
    -o "-p $PGTEST_PORT -k $PGTEST_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  as_pg "$PG_BIN/psql" -h "$PGTEST_DIR" -p "$PGTEST_PORT" -U postgres -q \
    -c "CREATE ROLE \"$user\" LOGIN CREATEDB PASSWORD '$password'" >/dev/null
  export PGTEST_PORT PGTEST_DIR
}

stop_test_postgres() {
  [ -n "${PGTEST_DIR:-}" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGTEST_DIR"
}
