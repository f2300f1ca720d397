'use strict';
// In-band logs (x-whisk-log-limit): lines come back with the answer, nothing reaches the streams.
const test = require('node:test');
const assert = require('node:assert/strict');
const { proxyFor, SENTINEL } = require('../testkit/proxy-process');

const INLINE = { 'x-whisk-log-limit': '1000' };
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {7}(stdout|stderr): (.*)$/;

/** Splits an in-band answer into its JSON and its log lines as {stream, text}. */
function split(answer) {
    const length = Number(answer.headers['x-whisk-result-length']);
    assert.ok(Number.isInteger(length), `x-whisk-result-length missing: ${JSON.stringify(answer.headers)}`);
    const body = Buffer.from(answer.text, 'utf8');
    const json = JSON.parse(body.subarray(0, length).toString('utf8'));
    const lines = body.subarray(length).toString('utf8').split('\n').filter((l) => l.length > 0).map((l) => {
        const m = LINE.exec(l);
        assert.ok(m, `not a formatted log line: ${l}`);
        return { stream: m[1], text: m[2] };
    });
    return { json, lines, truncated: answer.headers['x-whisk-logs-truncated'] === 'true' };
}

test('a run asked for in-band logs answers its lines after its JSON and prints nothing', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({
        main: 'main',
        code: `function main(p) {
            console.log('out', p.n);
            console.error('err\\nsecond');
            process.stdout.write('partial ');
            process.stdout.write('line\\n');
            return { n: p.n };
        }`,
    }, INLINE);
    const answer = await proxy.run({ n: 7 }, {}, INLINE);
    assert.equal(answer.status, 200);
    const { json, lines, truncated } = split(answer);
    assert.deepEqual(json, { n: 7 });
    assert.deepEqual(lines, [
        { stream: 'stdout', text: 'out 7' },
        { stream: 'stderr', text: 'err' },
        { stream: 'stderr', text: 'second' },
        { stream: 'stdout', text: 'partial line' },
    ]);
    assert.equal(truncated, false);
    assert.equal(proxy.stdout.text, '');
    assert.equal(proxy.stderr.text, '');
});

test('init logs and a failed init come back in-band', async (t) => {
    const proxy = await proxyFor(t);
    const init = await proxy.init({ main: 'main', code: 'console.log("loading"); throw new Error("cannot load");' },
        INLINE);
    assert.equal(init.status, 502);
    const { json, lines } = split(init);
    assert.match(json.error, /cannot load/);
    assert.deepEqual(lines[0], { stream: 'stdout', text: 'loading' });
    assert.ok(lines.some((l) => l.stream === 'stderr' && l.text.includes('Error during initialization')));
    assert.ok(!proxy.stdout.text.includes(SENTINEL));
});

test('lines past the limit are dropped and the answer says so', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({ main: 'main', code: 'function main() { for (let i = 0; i < 100; i++) console.log("0123456789"); return {}; }' });
    const answer = await proxy.run({}, {}, { 'x-whisk-log-limit': '55' });
    const { lines, truncated } = split(answer);
    assert.equal(lines.length, 5);
    assert.equal(truncated, true);
});

test('without the header the plain protocol holds: no framing headers, sentinels on the streams', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({ main: 'main', code: 'function main() { console.log("plain"); return { ok: true }; }' });
    const answer = await proxy.run({});
    assert.equal(answer.headers['x-whisk-result-length'], undefined);
    assert.deepEqual(answer.json, { ok: true });
    await proxy.sentinels(1);
    assert.deepEqual(proxy.stdout.lines(), ['plain', SENTINEL]);
});

test('overlapping in-band runs each get only their own lines', async (t) => {
    const proxy = await proxyFor(t, { __OW_ALLOW_CONCURRENT: 'true', __OW_LOG_TAGS: 'true' });
    await proxy.init({
        main: 'main',
        code: `let release;
        async function main(p) {
            console.log('start', p.role);
            if (p.role === 'hold') { await new Promise((r) => { release = r; }); }
            else { release(); }
            console.log('end', p.role);
            return { role: p.role };
        }`,
    });
    const held = proxy.run({ role: 'hold' }, { activation_id: 'a'.repeat(32) }, INLINE);
    await new Promise((r) => setImmediate(r));
    const other = await proxy.run({ role: 'go' }, { activation_id: 'b'.repeat(32) }, INLINE);
    assert.deepEqual(split(other).lines.map((l) => l.text), ['start go', 'end go']);
    assert.deepEqual(split(await held).lines.map((l) => l.text), ['start hold', 'end hold']);
    assert.equal(proxy.stdout.text, '');
});

test('a run that exits the process leaves its captured lines, tagged, and sentinels on the streams', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({ main: 'main', code: 'function main() { console.log("about to exit"); process.exit(3); }' });
    const run = proxy.run({}, { activation_id: 'c'.repeat(32) }, INLINE).catch((e) => e);
    await proxy.sentinels(1, 'c'.repeat(32));
    assert.ok(proxy.stdout.text.includes(`${"c".repeat(32)} about to exit`), proxy.stdout.text);
    await run;
});
