#!/usr/bin/env bash
# Disk used per invoke: starts a standalone platform (launcher/target/whisk.jar) on a fresh data directory, sends
# CALLS non-blocking invokes of a no-op with PARAM_BYTES of params over 8 keep-alive connections, waits until all
# are recorded, and prints the bytes the journal and the activation store grew by, per invoke and extrapolated to
# a million invokes. With ROLL=TEST_SECONDLY the journal rolls every second and retention trims it (every 10 s) while
# the load runs: its size at the end shows what retention keeps.
#   benchmarks/disk-usage.sh [calls] [param-bytes] [roll-cycle]    (defaults 20000, 1024, FIVE_MINUTELY)
set -euo pipefail
CALLS=${1:-20000}
PARAM_BYTES=${2:-1024}
ROLL=${3:-FIVE_MINUTELY}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/launcher/target/whisk.jar"
FLAGS=$(sed -n 's:.*<jvm.flags>\(.*\)</jvm.flags>.*:\1:p' "$ROOT/pom.xml")
DIR=$(mktemp -d /tmp/whisk-disk-XXXXXX)
PORT=${PORT:-3399}
LABEL="disk-usage-$$"
# shellcheck disable=SC2086
java $FLAGS -jar "$JAR" standalone --no-demo --port "$PORT" --data-dir "$DIR/data" --invoker-label "$LABEL" \
    --journal-roll "$ROLL" > "$DIR/platform.log" 2>&1 &
PID=$!
cleanup() {
    kill "$PID" 2>/dev/null || true
    while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done
    docker ps -aq --filter "label=dev.whisk.invoker=$LABEL" | xargs -r docker rm -f > /dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
    [ -f "$DIR/data/wskprops" ] && curl -fs "http://127.0.0.1:$PORT/api/v1/namespaces" -o /dev/null -u "$(sed -n 's/^AUTH=//p' "$DIR/data/wskprops")" && break
    sleep 0.5
done
AUTH=$(sed -n 's/^AUTH=//p' "$DIR/data/wskprops")
size() { du -s -B1 "$DIR/data/$1" 2>/dev/null | cut -f1; }   # allocated, not apparent (the journal is sparse)
curl -fs -u "$AUTH" -X PUT -H 'Content-Type: application/json' \
    -d '{"exec":{"kind":"nodejs:20","code":"function main(p){return {}}"}}' \
    "http://127.0.0.1:$PORT/api/v1/namespaces/_/actions/noop" -o /dev/null
curl -fs -u "$AUTH" -X POST "http://127.0.0.1:$PORT/api/v1/namespaces/_/actions/noop?blocking=true" -o /dev/null
J0=$(size journal); A0=$(size activations)
node - "$PORT" "$AUTH" "$CALLS" "$PARAM_BYTES" <<'JS'
const http = require('http');
const [port, auth, calls, paramBytes] = [process.argv[2], process.argv[3], +process.argv[4], +process.argv[5]];
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const body = JSON.stringify({ pad: 'x'.repeat(Math.max(0, paramBytes - 10)) });
const headers = { 'Content-Type': 'application/json', 'Authorization': 'Basic ' + Buffer.from(auth).toString('base64'),
  'Content-Length': Buffer.byteLength(body) };
let sent = 0, done = 0, refused = 0;
const t0 = Date.now();
function one() {
  if (sent >= calls) return;
  sent++;
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent, headers,
    path: '/api/v1/namespaces/_/actions/noop' }, res => {
    res.resume();
    res.on('end', () => { if (res.statusCode !== 202) refused++; done++; if (done === calls) finish(); else one(); });
  });
  req.on('error', e => { console.error(e); process.exit(1); });
  req.end(body);
}
function finish() { console.log(`sent ${calls} in ${Date.now() - t0} ms, not 202: ${refused}`); agent.destroy(); }
for (let i = 0; i < 8; i++) one();
JS
for _ in $(seq 1 600); do
    N=$(curl -fs -u "$AUTH" "http://127.0.0.1:$PORT/api/v1/namespaces/_/activations?count=true&name=noop" | sed 's/[^0-9]//g')
    [ "${N:-0}" -ge $((CALLS + 1)) ] && break
    sleep 0.5
done
sleep 11   # one retention pass after the last record
J1=$(size journal); A1=$(size activations)
echo "calls=$CALLS paramBytes=$PARAM_BYTES roll=$ROLL records=$N"
echo "journal: $((J1 - J0)) bytes grown ($(( (J1 - J0) / CALLS )) per invoke, $(( (J1 - J0) * 1000000 / CALLS / 1048576 )) MB per million)"
echo "activation store: $((A1 - A0)) bytes grown ($(( (A1 - A0) / CALLS )) per invoke, $(( (A1 - A0) * 1000000 / CALLS / 1048576 )) MB per million)"
ls -la "$DIR/data/journal" | tail -n +2
