#!/usr/bin/env bash
# The cross-check benchmark (issue 4), for BENCHMARKS.md:
#   scripts/linkage-bench.sh [CHILDREN] [RECORDS]      (default 200000 800000)
# Generates labelled synthetic data, imports it into a fresh SQLite database, runs the cross-check
# (timed, with peak memory), scores it against the truth, then runs Splink (DuckDB) on the same
# files in the same run as the reference. Splink and its dependencies come pinned from
# scripts/splink-requirements.txt into a throwaway virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
CHILDREN=${1:-200000}
RECORDS=${2:-800000}
DIR=$(mktemp -d /tmp/cnis-linkage.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
cargo build --release --quiet
BIN=./target/release/cnis
export DATABASE_URL="$DIR/db.sqlite" CNIS_DATA_DIR="$DIR" RUST_LOG=warn CNIS_TEAM_EMAIL=
timed() { /usr/bin/time -f "$1: wall %e s, peak %M KB" "${@:2}"; }
timed "generate" $BIN generate-linkage-data --children "$CHILDREN" --records "$RECORDS" --out "$DIR/data" | tail -1
timed "import register" $BIN import register "$DIR/data/register.csv" | tail -1
timed "import social care" $BIN import social-care "$DIR/data/social-care.csv" | tail -1
timed "cnis cross-check" $BIN cross-check --report "$DIR/cnis.csv" | grep -v '^  '
echo "cnis quality:"
python3 scripts/linkage_eval.py "$DIR/data/truth.csv" "$DIR/cnis.csv"
if [ ! -x /tmp/cnis-splink-venv/bin/python ]; then
  python3 -m venv /tmp/cnis-splink-venv
  /tmp/cnis-splink-venv/bin/pip install -q -r scripts/splink-requirements.txt
fi
timed "splink (training + prediction)" /tmp/cnis-splink-venv/bin/python scripts/splink_reference.py "$DIR/data" "$DIR/splink.csv" 2>&1 | grep -E "splink|wall"
echo "splink quality:"
python3 scripts/linkage_eval.py "$DIR/data/truth.csv" "$DIR/splink.csv"
