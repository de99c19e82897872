#!/usr/bin/env bash
# Starts cnis on a fresh SQLite database with the demo register, then drives it with Debian's
# Chromium through playwright-core and checks every page with axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --ignore-scripts
cargo build --quiet
DIR=$(mktemp -d /tmp/cnis-browser.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATABASE_URL="$DIR/cnis.sqlite" CNIS_DATA_DIR="$DIR" CNIS_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export CNIS_EMAIL_URL="file://$DIR/mail" CNIS_MAIL_DIR="$DIR/mail" CNIS_OUTBOX_POLL_SECONDS=1
# Many sign-ins from one address in a minute: raise the per-address limit for the test run only.
export CNIS_SIGN_IN_PER_MINUTE=200
./target/debug/cnis demo --children 80 > "$DIR/demo.txt"
./target/debug/cnis user add --email manager.browser@council.test --name "Browser Manager" --role manager --generate-password > "$DIR/manager.txt"
./target/debug/cnis user add --email nojs.officer@council.test --name "No-JS Officer" --role officer --generate-password > "$DIR/nojs.txt"
# Accounts for the consent pages' test (each enrols its own authenticator).
for who in admin:admin officer:officer manager:manager; do
  ./target/debug/cnis user add --email "consent.${who%%:*}@council.test" --name "Consent ${who%%:*}" --role "${who##*:}" --generate-password \
    | sed -n 's/^password (shown once): //p' > "$DIR/consent-${who%%:*}.txt"
done
export CNIS_CONSENT_ADMIN_PASSWORD=$(cat "$DIR/consent-admin.txt")
export CNIS_CONSENT_OFFICER_PASSWORD=$(cat "$DIR/consent-officer.txt")
export CNIS_CONSENT_MANAGER_PASSWORD=$(cat "$DIR/consent-manager.txt")
# And for the school attendance pages' test; new cases there follow ss.436H–436Q.
for who in admin:admin officer:officer manager:manager; do
  ./target/debug/cnis user add --email "sao.${who%%:*}@council.test" --name "Attendance ${who%%:*}" --role "${who##*:}" --generate-password \
    | sed -n 's/^password (shown once): //p' > "$DIR/sao-${who%%:*}.txt"
done
export CNIS_SAO_ADMIN_PASSWORD=$(cat "$DIR/sao-admin.txt")
export CNIS_SAO_OFFICER_PASSWORD=$(cat "$DIR/sao-officer.txt")
export CNIS_SAO_MANAGER_PASSWORD=$(cat "$DIR/sao-manager.txt")
# And for the record's whole life (a manager each, with JavaScript on and off).
for who in js nojs; do
  ./target/debug/cnis user add --email "life.$who@council.test" --name "Life $who" --role manager --generate-password \
    | sed -n 's/^password (shown once): //p' > "$DIR/life-$who.txt"
done
export CNIS_LIFE_JS_PASSWORD=$(cat "$DIR/life-js.txt")
export CNIS_LIFE_NOJS_PASSWORD=$(cat "$DIR/life-nojs.txt")
export CNIS_NEW_SAO_FROM=2026-01-01 CNIS_CONSENT_FROM=2026-01-01 CNIS_REGISTER_FROM=2026-01-01
./target/debug/cnis serve > "$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
export CNIS_URL="http://127.0.0.1:$PORT"
export CNIS_MANAGER_EMAIL=manager.browser@council.test
CNIS_MANAGER_PASSWORD=$(sed -n 's/^password (shown once): //p' "$DIR/manager.txt")
export CNIS_MANAGER_PASSWORD
export CNIS_NOJS_EMAIL=nojs.officer@council.test
CNIS_NOJS_PASSWORD=$(sed -n 's/^password (shown once): //p' "$DIR/nojs.txt")
export CNIS_NOJS_PASSWORD
export CNIS_OFFICER_EMAIL=officer@demo.invalid CNIS_OFFICER_PASSWORD=demo-password-change-me
# The demo parent with a preliminary notice served on them (the parents' attendance walk).
CNIS_NOTICE_PARENT=$(sed -n 's/.*; \([^ ]*\) has a preliminary notice to answer.*/\1/p' "$DIR/demo.txt")
export CNIS_NOTICE_PARENT
# Arguments pick test files; with none, every browser test runs.
node --test --test-concurrency=1 "${@:-tests/browser/}"
