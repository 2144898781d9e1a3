# Sourced by .ci/run: a real Postgres for the test run. Installs Debian's postgresql when initdb or
# pg_ctl is missing, starts a throw-away cluster on a free loopback port (as the postgres user when
# CI runs as root: Postgres refuses to run as root), creates the role `triage` (a superuser of this throw-away cluster, so it can create and force-drop
# the per-suite test databases) and the database `triage`, and exports TRIAGE_TEST_DATABASE_URL.
# The cluster is stopped and removed when the calling shell exits. Skipped entirely when
# TRIAGE_TEST_DATABASE_URL is already set (CI brings its own server).

ci_pg_bin() {
  local name="$1" found
  found="$(command -v "$name" 2>/dev/null || true)"
  if [ -z "$found" ]; then
    found="$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -1 || true)"
  fi
  printf '%s' "$found"
}

ci_pg_start() {
  if [ -n "${TRIAGE_TEST_DATABASE_URL:-}" ]; then
    echo "postgres: using TRIAGE_TEST_DATABASE_URL as given"
    return 0
  fi
  if [ -z "$(ci_pg_bin initdb)" ] || [ -z "$(ci_pg_bin pg_ctl)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends postgresql
  fi
  local initdb pg_ctl psql as dir port
  initdb="$(ci_pg_bin initdb)"
  pg_ctl="$(ci_pg_bin pg_ctl)"
  psql="$(ci_pg_bin psql)"
  as=()
  dir="$(mktemp -d "${TMPDIR:-/tmp}/triage-ci-pg.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres: "$dir"
    as=(runuser -u postgres --)
  fi
  chmod 755 "$dir"
  port="$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  "${as[@]}" "$initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  "${as[@]}" "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
  CI_PG_STOP=("${as[@]}" "$pg_ctl" -D "$dir/data" -m fast -w stop)
  CI_PG_DIR="$dir"
  trap ci_pg_stop EXIT
  "$psql" -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE triage LOGIN SUPERUSER PASSWORD 'triage'" \
    -c "CREATE DATABASE triage OWNER triage"
  export TRIAGE_TEST_DATABASE_URL="postgres://triage:triage@127.0.0.1:$port/triage"
  echo "postgres: test cluster on 127.0.0.1:$port (data in $dir)"
}

ci_pg_stop() {
  if [ -n "${CI_PG_DIR:-}" ]; then
    "${CI_PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$CI_PG_DIR"
    CI_PG_DIR=""
  fi
}
