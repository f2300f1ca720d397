'use strict';
// How action failures map to answers (SPEC §8.2), and that none of them kills the proxy.
const test = require('node:test');
const assert = require('node:assert/strict');
const { proxyFor } = require('../testkit/proxy-process');

async function initialised(t, code) {
    const proxy = await proxyFor(t);
    const init = await proxy.init({ name: 'failing', main: 'main', code, binary: false });
    assert.equal(init.status, 200, init.text);
    return proxy;
}

test('a rejected promise is an application error: 200 with the serialized reason', async (t) => {
    const proxy = await initialised(t, `
        function main(p) {
            if (p.kind === 'error') {
                const e = new TypeError('bad input');
                e.code = 'E_BAD';
                return Promise.reject(e);
            }
            if (p.kind === 'object') return Promise.reject({ message: 'custom', details: [1, 2] });
            if (p.kind === 'string') return Promise.reject('just a string');
            if (p.kind === 'circular') { const o = { a: 1 }; o.self = o; return Promise.reject(o); }
            return Promise.reject();
        }`);

    const error = await proxy.run({ kind: 'error' });
    assert.equal(error.status, 200);
    assert.equal(error.json.error.name, 'TypeError');
    assert.equal(error.json.error.message, 'bad input');
    assert.equal(error.json.error.code, 'E_BAD');
    assert.match(error.json.error.stack, /^TypeError: bad input/);

    assert.deepEqual((await proxy.run({ kind: 'object' })).json, { error: { message: 'custom', details: [1, 2] } });
    assert.deepEqual((await proxy.run({ kind: 'string' })).json, { error: 'just a string' });
    assert.deepEqual((await proxy.run({ kind: 'circular' })).json, { error: { a: 1, self: '[Circular]' } });
    const empty = await proxy.run({ kind: 'nothing' });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { error: {} });
});

test('an async main that throws is a rejection, hence an application error', async (t) => {
    const proxy = await initialised(t, 'async function main() { throw new Error("async boom"); }');
    const run = await proxy.run({});
    assert.equal(run.status, 200);
    assert.equal(run.json.error.message, 'async boom');
    // Not a developer error: the proxy keeps serving.
    assert.equal((await proxy.run({})).status, 200);
});

test('a synchronous throw answers 502 and the proxy refuses further runs', async (t) => {
    const proxy = await initialised(t, 'function main() { throw new Error("boom"); }');
    const run = await proxy.run({});
    assert.equal(run.status, 502);
    assert.deepEqual(run.json, { error: 'An error has occurred: Error: boom' });
    await proxy.stderr.waitFor((text) => text.includes('Error: boom'));

    const next = await proxy.run({});
    assert.equal(next.status, 403);
    assert.deepEqual(next.json, { error: 'System not ready, status is stopped.' });
});

test('a result that is not an object answers 502 and the proxy keeps serving', async (t) => {
    const proxy = await initialised(t, 'function main(p) { return p.value; }');
    for (const value of ['a string', 42, true]) {
        const run = await proxy.run({ value });
        assert.equal(run.status, 502, String(value));
        assert.deepEqual(run.json, { error: 'The action did not return a dictionary.' });
    }
    assert.deepEqual((await proxy.run({ value: { ok: 1 } })).json, { ok: 1 });
});

test('a promise resolving to a non-object also answers 502', async (t) => {
    const proxy = await initialised(t, 'async function main() { return "text"; }');
    const run = await proxy.run({});
    assert.equal(run.status, 502);
    assert.deepEqual(run.json, { error: 'The action did not return a dictionary.' });
});

test('an uncaught exception in a callback fails that run with 502 instead of killing the proxy', async (t) => {
    const proxy = await initialised(t, `
        function main() {
            return new Promise(() => { setImmediate(() => { throw new Error("late boom"); }); });
        }`);
    const run = await proxy.run({});
    assert.equal(run.status, 502);
    assert.deepEqual(run.json, { error: 'An error has occurred: Error: late boom' });
    await proxy.sentinels(1);
    assert.equal(proxy.child.exitCode, null);
    assert.equal((await proxy.run({})).status, 403);
});

test('an unhandled rejection is logged and does not disturb the run', async (t) => {
    const proxy = await initialised(t, `
        function main() {
            Promise.reject(new Error("nobody listens"));
            return { ok: true };
        }`);
    const run = await proxy.run({});
    assert.equal(run.status, 200);
    assert.deepEqual(run.json, { ok: true });
    await proxy.stderr.waitFor((text) => text.includes('Unhandled promise rejection: Error: nobody listens'));
    assert.equal((await proxy.run({})).status, 200);
    assert.equal(proxy.child.exitCode, null);
});

test('a result that cannot be serialized answers 502', async (t) => {
    const proxy = await initialised(t, 'function main() { const o = {}; o.o = o; return o; }');
    const run = await proxy.run({});
    assert.equal(run.status, 502);
    assert.match(run.json.error, /^An error has occurred: TypeError: Converting circular structure to JSON/);
});
