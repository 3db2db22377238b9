#!/usr/bin/env bash
# End-to-end tests of the console: builds civilflow, starts a small OpenID
# provider and `civilflow serve` on 127.0.0.1 with a fresh data directory,
# creates the accounts and the staff directory, runs the browser tests in
# Debian's Chromium, and stops the two processes it started.
# Screenshots and the server's log go to web/e2e/artifacts/. Test files given
# as arguments run alone.
set -euo pipefail
cd "$(dirname "$0")"
e2e=$(pwd)
root=$(cd ../.. && pwd)
artifacts=$e2e/artifacts
mkdir -p "$artifacts"
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "e2e: $CHROMIUM is missing (apt-get install chromium)"; exit 1; }

[ -d node_modules/playwright-core ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

work=$(mktemp -d)
serve_pid=
oidc_pid=
stop() {
  # Only the processes started here, by their ids.
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [ -n "$oidc_pid" ] && kill "$oidc_pid" 2>/dev/null && wait "$oidc_pid" 2>/dev/null || true
  cp "$work/serve.log" "$artifacts/serve.log" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

export CIVILFLOW_BIN=$work/civilflow CIVILFLOW_DATA=$work/data
(cd "$root" && go build -o "$CIVILFLOW_BIN" ./cmd/civilflow)
mkdir -p "$CIVILFLOW_DATA" "$work/calendar"

# Test calendar data for the years after the official ones (weekends only),
# so periods reaching into them are counted; never shipped.
{
  echo "version: e2e-synthetic-weekends-only"; echo "years:"
  for y in $(seq 2027 2035); do
    printf '  - year: %d\n    notice: synthetic test data without holidays\n    holidays: []\n    makeup_workdays: []\n' "$y"
  done
} > "$work/calendar/synthetic.yaml"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port=$(free_port)
export CIVILFLOW_URL=http://127.0.0.1:$port

# The OpenID provider the OIDC sign-in test signs in at; its client secret
# goes to serve in its variable, not on a command line.
export CIVILFLOW_OIDC_CLIENT_SECRET=e2e-secret-$RANDOM$RANDOM
mkfifo "$work/oidc.out"
node oidc-provider.mjs --client-id civilflow-console > "$work/oidc.out" &
oidc_pid=$!
read -r OIDC_ISSUER < "$work/oidc.out"
export OIDC_ISSUER
echo "e2e: OpenID provider at $OIDC_ISSUER"

node setup.mjs accounts

began=$(date +%s%N)
"$CIVILFLOW_BIN" serve --data-dir "$CIVILFLOW_DATA" --listen "127.0.0.1:$port" \
  --embedded-temporal-address 127.0.0.1:0 --calendar-dir "$work/calendar" \
  --public-url "$CIVILFLOW_URL" --oidc-issuer "$OIDC_ISSUER" --oidc-client-id civilflow-console \
  > "$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 600); do
  grep -q 'civilflow is ready' "$work/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log"; echo "e2e: serve exited"; exit 1; }
  sleep 0.1
done
grep -q 'civilflow is ready' "$work/serve.log" || { cat "$work/serve.log"; echo "e2e: serve not ready in 60 s"; exit 1; }
ready_ms=$(( ($(date +%s%N) - began) / 1000000 ))
startup=$(grep -o 'startup=[^ ]*' "$work/serve.log" | head -1)
echo "e2e: serve ready at $CIVILFLOW_URL in ${ready_ms} ms from exec ($startup as serve counts it)"
echo "serve start-up: ${ready_ms} ms from exec; ${startup#startup=} as serve counts it" > "$artifacts/measurements.txt"

node setup.mjs staff
if [ $# -gt 0 ]; then
  node --test --test-concurrency=1 "$@"   # e.g. ./run.sh tests/marriage.e2e.mjs
else
  npm test
fi
