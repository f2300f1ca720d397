'use strict';
// /init and /run happy paths and lifecycle refusals, against a real proxy process over HTTP.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const { proxyFor } = require('../testkit/proxy-process');

const ACTIVATION_ID = '0123456789abcdef0123456789abcdef';

function plain(code, main = 'main') {
    return { name: 'hello', main, code, binary: false };
}

test('a plain function declared at top level is initialised and run', async (t) => {
    const proxy = await proxyFor(t);
    const init = await proxy.init(plain('function main(params) { return { greeting: "Hello " + params.name }; }'));
    assert.equal(init.status, 200);
    assert.deepEqual(init.json, { OK: true });

    const run = await proxy.run({ name: 'Jane' });
    assert.equal(run.status, 200);
    assert.deepEqual(run.json, { greeting: 'Hello Jane' });
    assert.equal(run.headers['content-type'], 'application/json');
    assert.equal(Number(run.headers['content-length']), Buffer.byteLength(run.text));
});

test('exports.main, module.exports = fn and a non-default main name are found', async (t) => {
    const cases = [
        [plain('exports.main = (p) => ({ via: "exports", n: p.n });'), { via: 'exports', n: 1 }],
        [plain('module.exports = function (p) { return { via: "module.exports", n: p.n }; };'),
            { via: 'module.exports', n: 1 }],
        [plain('const niam = (p) => ({ via: "niam", n: p.n });', 'niam'), { via: 'niam', n: 1 }],
        [plain('const handlers = { hello: (p) => ({ via: "path", n: p.n }) };', 'handlers.hello'),
            { via: 'path', n: 1 }],
        [{ code: 'function main(p) { return { via: "default main", n: p.n }; }' }, { via: 'default main', n: 1 }],
    ];
    for (const [value, expected] of cases) {
        const proxy = await proxyFor(t);
        assert.equal((await proxy.init(value)).status, 200, value.code);
        assert.deepEqual((await proxy.run({ n: 1 })).json, expected);
    }
});

test('node built-ins can be required by the action', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init(plain(`
        const crypto = require('crypto');
        const path = require('node:path');
        function main(p) {
            return { hash: crypto.createHash('sha256').update(p.s).digest('hex'), base: path.basename('/a/b.txt') };
        }`));
    const run = await proxy.run({ s: 'abc' });
    assert.deepEqual(run.json, {
        hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        base: 'b.txt',
    });
});

test('async functions and returned promises resolve to the result', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init(plain(`
        async function main(p) {
            const doubled = await new Promise((resolve) => setImmediate(() => resolve(p.n * 2)));
            return { doubled };
        }`));
    assert.deepEqual((await proxy.run({ n: 21 })).json, { doubled: 42 });

    const other = await proxyFor(t);
    await other.init(plain('function main(p) { return Promise.resolve({ echoed: p }); }'));
    assert.deepEqual((await other.run({ a: [1, 2] })).json, { echoed: { a: [1, 2] } });
});

test('arrays are returned as is, undefined and null become {}', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init(plain('function main(p) { return p.kind === "array" ? [1, { two: 2 }] : p.kind === "null" ? null : undefined; }'));
    assert.deepEqual((await proxy.run({ kind: 'array' })).json, [1, { two: 2 }]);
    assert.deepEqual((await proxy.run({ kind: 'null' })).json, {});
    const nothing = await proxy.run({ kind: 'undefined' });
    assert.equal(nothing.status, 200);
    assert.deepEqual(nothing.json, {});
});

test('run fields become __OW_ variables and init env is exported', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init({
        ...plain(`function main() {
            const e = process.env;
            return { id: e.__OW_ACTIVATION_ID, ns: e.__OW_NAMESPACE, name: e.__OW_ACTION_NAME,
                     version: e.__OW_ACTION_VERSION, tx: e.__OW_TRANSACTION_ID, deadline: e.__OW_DEADLINE,
                     key: e.__OW_API_KEY, custom: e.CUSTOM, json: e.JSONISH, value: e.__OW_VALUE || null };
        }`),
        env: { CUSTOM: 'from-init', JSONISH: { a: 1 } },
    });
    const run = await proxy.run({ x: 1 }, {
        namespace: 'guest',
        action_name: '/guest/demo/hello',
        action_version: '0.0.2',
        activation_id: ACTIVATION_ID,
        transaction_id: 'tx-1',
        deadline: '1767225660100',
        api_key: 'uuid:key',
    });
    assert.deepEqual(run.json, {
        id: ACTIVATION_ID,
        ns: 'guest',
        name: '/guest/demo/hello',
        version: '0.0.2',
        tx: 'tx-1',
        deadline: '1767225660100',
        key: 'uuid:key',
        custom: 'from-init',
        json: '{"a":1}',
        value: null,
    });
});

test('a second init is refused with 403 and the first action keeps running', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init(plain('function main() { return { first: true }; }'));
    const again = await proxy.init(plain('function main() { return { second: true }; }'));
    assert.equal(again.status, 403);
    assert.deepEqual(again.json, { error: 'Cannot initialize the action more than once.' });
    assert.deepEqual((await proxy.run({})).json, { first: true });
});

test('run before init is refused with 403', async (t) => {
    const proxy = await proxyFor(t);
    const run = await proxy.run({});
    assert.equal(run.status, 403);
    assert.deepEqual(run.json, { error: 'System not initialized.' });
});

test('init without code is refused with 403 and a later valid init still works', async (t) => {
    const proxy = await proxyFor(t);
    for (const body of [{}, { value: {} }, { value: { main: 'main' } }, { value: { main: 'main', code: '' } }]) {
        const init = await proxy.post('/init', body);
        assert.equal(init.status, 403, JSON.stringify(body));
        assert.deepEqual(init.json, { error: 'Missing main/no code to execute.' });
    }
    assert.equal((await proxy.init(plain('function main() { return {}; }'))).status, 200);
});

test('bad code and a main that is not a function fail init with 502, then runs are refused', async (t) => {
    const cases = [
        [plain('function main( { return {}; }'), /^Initialization has failed due to: .*SyntaxError/s],
        [plain('const main = 42;'), /^Initialization has failed due to: Action entrypoint 'main' is not a function\.$/],
        [plain('function other() {}'), /^Initialization has failed due to: Action entrypoint 'main' is not a function\.$/],
        [plain('throw new Error("top-level failure");'), /^Initialization has failed due to: Error: top-level failure/],
        [plain('function main() {}', 'no-such name'), /^Initialization has failed due to: Name of main function is not valid/],
    ];
    for (const [value, expected] of cases) {
        const proxy = await proxyFor(t);
        const init = await proxy.init(value);
        assert.equal(init.status, 502, value.code);
        assert.match(init.json.error, expected);
        await proxy.sentinels(1);
        const run = await proxy.run({});
        assert.equal(run.status, 403);
        assert.deepEqual(run.json, { error: 'System not ready, status is stopped.' });
    }
});

test('unknown routes and methods answer 500 Bad request, malformed JSON answers 400', async (t) => {
    const proxy = await proxyFor(t);
    for (const [method, route] of [['GET', '/init'], ['POST', '/nope'], ['PUT', '/run'], ['GET', '/']]) {
        const response = await proxy.post(route, {}, { method });
        assert.equal(response.status, 500, `${method} ${route}`);
        assert.deepEqual(response.json, { error: 'Bad request.' });
    }
    for (const body of ['{not json', '[1,2]', '"text"']) {
        const response = await proxy.post('/init', body);
        assert.equal(response.status, 400, body);
        assert.match(response.json.error, /^Malformed request body/);
    }
    // Still serving after the bad requests.
    assert.equal((await proxy.init(plain('function main() { return { ok: 1 }; }'))).status, 200);
    assert.deepEqual((await proxy.run({})).json, { ok: 1 });
});

test('one keep-alive connection serves init and many runs', async (t) => {
    const proxy = await proxyFor(t);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const init = await proxy.post('/init', { value: plain('let n = 0; function main() { return { n: ++n }; }') }, { agent });
    const sockets = new Set([init.socket]);
    for (let i = 1; i <= 5; i++) {
        const run = await proxy.post('/run', { value: {} }, { agent });
        assert.deepEqual(run.json, { n: i });
        sockets.add(run.socket);
    }
    assert.equal(sockets.size, 1);
});

test('an init body of more than 50 MB is accepted', async (t) => {
    const proxy = await proxyFor(t);
    const filler = 'x'.repeat(50 * 1024 * 1024);
    const init = await proxy.init(plain(`function main() { return { ok: true }; }\n// ${filler}`));
    assert.equal(init.status, 200);
    assert.deepEqual((await proxy.run({})).json, { ok: true });
});

test('SIGTERM (docker stop) ends the proxy with exit code 0', async (t) => {
    const proxy = await proxyFor(t);
    await proxy.init(plain('function main() { return {}; }'));
    assert.deepEqual(await proxy.stop(), { code: 0, signal: null });
});
