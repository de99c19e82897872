#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this):
#   1. formatting and lints;
#   2. unit tests and HTTP tests on SQLite;
#   3. the HTTP tests again on a throwaway PostgreSQL cluster (scripts/pg.sh);
#   4. browser tests in Debian's Chromium with axe-core (WCAG 2.2 AA), JS on and off.
# The fault tests (tests/crash.rs: kill -9 under load, an SMTP outage) run the release binary in
# steps 2 and 3.
# Installs what it needs (PostgreSQL, Chromium, npm packages) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }
LOG=$(mktemp)
# Keeps a copy of the test output so the last line can count every test that ran.
counted() { "$@" 2>&1 | tee -a "$LOG"; }

step "npm packages (GOV.UK Frontend, playwright-core, axe-core)"
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts
fi

step "pdftotext (poppler-utils), which the notice tests read PDFs with"
if ! command -v pdftotext >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)
fi

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings

step "release build (the fault tests in tests/crash.rs kill and restart it)"
cargo build --release --quiet
export CNIS_BIN="$PWD/target/release/cnis"

step "tests on SQLite"
counted cargo test

step "HTTP tests on PostgreSQL"
PG_URL=$(scripts/pg.sh start)
trap 'scripts/pg.sh stop' EXIT
TEST_DATABASE_URL="$PG_URL" counted cargo test --tests
scripts/pg.sh stop
trap - EXIT

step "browser tests (Chromium + axe-core)"
counted scripts/browser-tests.sh

passed=$(awk '/^test result: ok\./ { n += $4 } /^# pass / { n += $3 } END { print n + 0 }' "$LOG")
rm -f "$LOG"
printf '\nall suites: %s passed, 0 failed\n' "$passed"
