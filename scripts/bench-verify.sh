#!/usr/bin/env bash
# The verification page benchmark (bench_verify, bench app) the way production serves it:
# gunicorn on PostgreSQL with Redis as cache, on a throwaway database holding the demo data
# (its certificate is the one scanned). Needs the PostgreSQL and Redis this machine runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! pg_isready -h 127.0.0.1 -p 5432 -q || ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "bench-verify 需要 PostgreSQL (127.0.0.1:5432) 和 Redis (127.0.0.1:6379) / needs both" >&2
  exit 1
fi

db="bench_verify_$$"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE ${db}"
trap 'psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${db}"; redis-cli -h 127.0.0.1 -p 6379 -n 15 flushdb >/dev/null' EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db}"
export REDIS_URL="redis://127.0.0.1:6379/15"
export CACHE_KEY_PREFIX="bench_${db}"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/15"
export CELERY_QUEUE="bench_${db}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_reference -v0 >/dev/null
.venv/bin/python manage.py load_demo -v0 >/dev/null
# A worker writes the log buffer as in production, on the same two cores: its cost is counted.
.venv/bin/celery -A portal worker -Q "$CELERY_QUEUE" -c 1 -l WARNING \
  --without-gossip --without-mingle --without-heartbeat >/dev/null 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null; psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${db}"; redis-cli -h 127.0.0.1 -p 6379 -n 15 flushdb >/dev/null' EXIT
DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python manage.py bench_verify "$@"
