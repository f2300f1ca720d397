#!/usr/bin/env bash
# benchmarks/burst-node.sh [port] [calls] [sleep-ms]: the burst of `bin/whisk bench burst` sent by a Node.js client
# that never polls the platform while it runs: a fresh standalone platform (defaults, its own data directory and
# container label), an action that sleeps sleep-ms, and once the stem cells are up `calls` non-blocking invokes over
# 8 keep-alive connections; then the records are read and the time from the last 202 to the latest record end is
# printed. Loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
port="${1:-3401}"
calls="${2:-400}"
sleep_ms="${3:-20}"
dd="$(mktemp -d /tmp/whisk-burst-node.XXXXXX)"
log="$dd.log"
bin/whisk standalone --port "$port" --data-dir "$dd" --no-demo --invoker-label "burst-node-$port" >"$log" 2>&1 &
platform=$!
trap 'kill "$platform" 2>/dev/null || true; wait "$platform" 2>/dev/null || true; rm -rf "$dd" "$log"' EXIT
for _ in $(seq 1 120); do
    if [ -f "$dd/wskprops" ] && curl -s -o /dev/null "http://127.0.0.1:$port/"; then break; fi
    sleep 1
done
auth="$(sed -n 's/^AUTH=//p' "$dd/wskprops")"
curl -sf -u "$auth" -X PUT -H 'Content-Type: application/json' -o /dev/null \
    -d "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"function main(){ return new Promise(r => setTimeout(() => r({}), $sleep_ms)); }\"}}" \
    "http://127.0.0.1:$port/api/v1/namespaces/_/actions/sleeper"
# A quiet machine: every container the platform has is a stem cell that is up, and has been for a second (they boot
# one after another), as `whisk bench burst` waits.
settled=0
for _ in $(seq 1 600); do
    m="$(curl -s "http://127.0.0.1:$port/metrics")"
    ready="$(sed -n 's/^whisk_pool_containers_prewarmed \([0-9]*\).*/\1/p' <<<"$m")"
    all="$(sed -n 's/^whisk_pool_containers \([0-9]*\).*/\1/p' <<<"$m")"
    if [ -n "$ready" ] && [ "$ready" -ge 1 ] && [ "$ready" = "$all" ]; then settled=$((settled + 1)); else settled=0; fi
    if [ "$settled" -ge 10 ]; then break; fi
    sleep 0.1
done
echo "burst-node: stem cells ready: ${ready:-0}"
node - "$port" "$auth" "$calls" <<'JS'
const http = require('http');
const [port, key, total] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const auth = 'Basic ' + Buffer.from(key).toString('base64');
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const get = (path) => new Promise((ok, fail) => http.get({ host: '127.0.0.1', port, path, agent,
    headers: { Authorization: auth } }, res => { let d = ''; res.on('data', c => d += c);
    res.on('end', () => ok(JSON.parse(d))); }).on('error', fail));
let sent = 0, accepted = 0, refused = 0, lastAcceptedMs = 0;
const t0 = Date.now();
function one(done) {
    if (sent >= total) return;
    sent++;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent,
        path: '/api/v1/namespaces/_/actions/sleeper',
        headers: { Authorization: auth, 'Content-Type': 'application/json', 'Content-Length': 2 } }, res => {
        res.resume();
        res.on('end', () => {
            if (res.statusCode === 202) accepted++; else refused++;
            if (accepted + refused === total) { lastAcceptedMs = Date.now(); done(); } else one(done);
        });
    });
    req.end('{}');
}
new Promise(done => { for (let i = 0; i < 8; i++) one(done); }).then(async () => {
    let records = [];
    for (let i = 0; i < 120 && records.length < accepted; i++) {
        await new Promise(r => setTimeout(r, 500));
        records = [];
        for (let skip = 0; skip < total; skip += 200) {
            records = records.concat(await get(`/api/v1/namespaces/_/activations?docs=true&name=sleeper&limit=200&skip=${skip}`));
        }
    }
    const lastEnd = Math.max(...records.map(r => r.end));
    console.log(`burst-node: ${accepted} accepted (${refused} refused) in ${lastAcceptedMs - t0} ms; ${records.length} ` +
        `records; last record end ${lastEnd - lastAcceptedMs} ms after the last 202`);
    process.exit(0);
});
JS
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^whisk_pool_(cold|prewarm)_starts_total ' || true
