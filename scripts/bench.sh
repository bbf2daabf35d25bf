#!/usr/bin/env bash
# `make bench SCALE=0.02`: the province benchmark (bench app, bench/province/). It generates a
# province at SCALE (1.0 = 1,000,000 people and 5,000,000 declarations) in a throwaway
# PostgreSQL database, measures every figure with Redis as cache and broker, prints the table and
# writes bench-results.json. With BENCH_KEEP=1 the database is kept (bench_province_<scale>) and
# the next run at the same scale measures it again without generating (migrating it first).
# BENCH_ONLY=imports measures only the Excel import (`make bench-import`).
set -euo pipefail
cd "$(dirname "$0")/.."

scale="${SCALE:-1.0}"
keep="${BENCH_KEEP:-0}"
if ! [[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]]; then
  echo "SCALE 应为数字，例如 0.02 / SCALE must be a number such as 0.02" >&2
  exit 2
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q || ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "make bench 需要 PostgreSQL (127.0.0.1:5432) 和 Redis (127.0.0.1:6379) / needs both" >&2
  exit 1
fi

db="bench_province_${scale//./_}"
psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -qAtc "$1"; }
cleanup() {
  if [ "$keep" != "1" ]; then
    psql_admin "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" || true
  fi
  redis-cli -h 127.0.0.1 -p 6379 -n 14 flushdb >/dev/null || true
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db}"
export REDIS_URL="redis://127.0.0.1:6379/14"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/14"
export CELERY_QUEUE="bench_${db}_$$"
export CACHE_KEY_PREFIX="bench_${db}"
export MEDIA_ROOT="${BENCH_MEDIA_ROOT:-$PWD/var/bench-media}"
export DJANGO_DEBUG=0
unset CELERY_TASK_ALWAYS_EAGER

generated=0
if [ "$keep" = "1" ] && [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '${db}'")" = "1" ]; then
  if [ "$(psql -h 127.0.0.1 -U postgres -d "$db" -qAtc \
      "SELECT 1 FROM pg_tables WHERE tablename = 'bench_meta'" 2>/dev/null)" = "1" ] &&
     [ "$(psql -h 127.0.0.1 -U postgres -d "$db" -qAtc \
      "SELECT 1 FROM bench_meta WHERE key = 'handles'" 2>/dev/null)" = "1" ]; then
    generated=1
    echo "沿用已生成的数据库 / reusing the generated database ${db} (BENCH_KEEP=1)"
  fi
fi
if [ "$generated" = "0" ]; then
  psql_admin "DROP DATABASE IF EXISTS ${db} WITH (FORCE)"
  psql_admin "CREATE DATABASE ${db}"
fi
.venv/bin/python manage.py migrate --noinput -v0
if [ "$generated" = "0" ]; then
  .venv/bin/python manage.py bench_generate --scale "$scale"
fi
# BENCH_ONLY (e.g. "imports", what `make bench-import` sets) measures those parts alone.
.venv/bin/python manage.py bench_province ${BENCH_ONLY:+--only "$BENCH_ONLY"} "$@"
