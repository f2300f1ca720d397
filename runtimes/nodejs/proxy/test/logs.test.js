'use strict';
// Log framing: sentinels on both streams after each run, and one-run-at-a-time by default.
const test = require('node:test');
const assert = require('node:assert/strict');
const { proxyFor, SENTINEL } = require('../testkit/proxy-process');

test('console output comes before the sentinel on both streams, once per run', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({
        name: 'logger',
        main: 'main',
        binary: false,
        code: `function main(p) {
            console.log('out line', p.n);
            console.info('info line');
            console.error('err line', p.n);
            console.warn('warn line');
            return { n: p.n };
        }`,
    });
    assert.equal((await proxy.run({ n: 1 })).status, 200);
    await proxy.sentinels(1);
    assert.deepEqual(proxy.stdout.lines(), ['out line 1', 'info line', SENTINEL]);
    assert.deepEqual(proxy.stderr.lines(), ['err line 1', 'warn line', SENTINEL]);

    assert.equal((await proxy.run({ n: 2 })).status, 200);
    await proxy.sentinels(2);
    assert.deepEqual(proxy.stdout.lines(), ['out line 1', 'info line', SENTINEL, 'out line 2', 'info line', SENTINEL]);
    assert.deepEqual(proxy.stderr.lines(), ['err line 1', 'warn line', SENTINEL, 'err line 2', 'warn line', SENTINEL]);
});

test('failed runs also end with sentinels on both streams', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({ main: 'main', code: 'function main(p) { console.log("before", p.kind); if (p.kind === "throw") throw new Error("x"); return p.kind; }' });
    assert.equal((await proxy.run({ kind: 'scalar' })).status, 502);
    await proxy.sentinels(1);
    assert.equal((await proxy.run({ kind: 'throw' })).status, 502);
    await proxy.sentinels(2);
    assert.deepEqual(proxy.stdout.lines(), ['before scalar', SENTINEL, 'before throw', SENTINEL]);
    // The error text precedes the sentinel so it belongs to the failed activation.
    const stderr = proxy.stderr.text;
    assert.ok(stderr.lastIndexOf('Error: x') < stderr.lastIndexOf(SENTINEL));
});

test('a failed init prints its error and the sentinels on both streams', async (t) => {
    const proxy = await proxyFor(t);
    const init = await proxy.init({ main: 'main', code: 'console.log("loading"); throw new Error("cannot load");' });
    assert.equal(init.status, 502);
    await proxy.sentinels(1);
    assert.deepEqual(proxy.stdout.lines(), ['loading', SENTINEL]);
    const stderr = proxy.stderr.text;
    assert.match(stderr, /Error during initialization: Error: cannot load/);
    assert.ok(stderr.indexOf('cannot load') < stderr.indexOf(SENTINEL));
});

test('by default an overlapping run is refused with 403 while the first one runs', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({
        main: 'main',
        // The run waits for SIGUSR2, which the test sends only after the overlapping run was refused.
        code: `function main(p) {
            return new Promise((resolve) => {
                process.once('SIGUSR2', () => resolve({ released: p.n }));
                console.log('started', p.n);
            });
        }`,
    });
    const first = proxy.run({ n: 1 });
    await proxy.stdout.waitFor((text) => text.includes('started 1'));

    const second = await proxy.run({ n: 2 });
    assert.equal(second.status, 403);
    assert.deepEqual(second.json, { error: 'System not ready, status is running.' });

    proxy.child.kill('SIGUSR2');
    assert.deepEqual((await first).json, { released: 1 });
    await proxy.sentinels(1);
    // The refusal wrote no sentinel: that would have cut the first run's logs short.
    assert.deepEqual(proxy.stdout.lines(), ['started 1', SENTINEL]);
    assert.ok(!proxy.stdout.text.includes('started 2'));
});
