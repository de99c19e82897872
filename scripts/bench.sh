#!/usr/bin/env bash
# Register benchmark at council scale on both databases (release build), for BENCHMARKS.md:
#   scripts/bench.sh [CHILDREN]       (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_CHILDREN=${1:-200000}
echo "## SQLite"
cargo bench --bench register 2>&1 | sed -n '/^seeded/p;/^SQLite/,$p'
echo
echo "## PostgreSQL"
PG_URL=$(scripts/pg.sh start)
trap 'scripts/pg.sh stop' EXIT
BENCH_DATABASE_URL="$PG_URL" cargo bench --bench register 2>&1 | sed -n '/^seeded/p;/^PostgreSQL/,$p'
