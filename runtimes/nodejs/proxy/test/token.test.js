'use strict';
// The per-container secret: with __OW_PROXY_TOKEN set, /init and /run without the right
// X-Whisk-Proxy-Token header are refused with 403 and change nothing; without it the plain protocol holds.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const { proxyFor } = require('../testkit/proxy-process');

const TOKEN = 'c2VjcmV0LXRva2VuLWZvci10ZXN0cy0wMTIzNDU2Nzg5';
const CODE = { name: 'owned', main: 'main', binary: false,
    code: 'function main(p) { return { who: "owner", token: process.env.__OW_PROXY_TOKEN || null, p }; }' };
const INTRUDER = { name: 'intruder', main: 'main', binary: false,
    code: 'function main() { return { who: "intruder" }; }' };

function freshAgent() {
    return new http.Agent({ keepAlive: false });
}

test('without the token header /init and /run are refused and change nothing', async (t) => {
    const proxy = await proxyFor(t, { __OW_PROXY_TOKEN: TOKEN });
    const noHeader = await proxy.post('/init', { value: INTRUDER }, { agent: freshAgent() });
    assert.equal(noHeader.status, 403);
    assert.deepEqual(noHeader.json, { error: 'Forbidden.' });
    const wrong = await proxy.post('/init', { value: INTRUDER },
        { agent: freshAgent(), headers: { 'X-Whisk-Proxy-Token': TOKEN.replace('c', 'd') } });
    assert.equal(wrong.status, 403);
    const shorter = await proxy.post('/init', { value: INTRUDER },
        { agent: freshAgent(), headers: { 'X-Whisk-Proxy-Token': TOKEN.slice(1) } });
    assert.equal(shorter.status, 403);

    // The intruder's init did not take: the owner can still initialise, once.
    const ok = { headers: { 'X-Whisk-Proxy-Token': TOKEN } };
    const init = await proxy.post('/init', { value: CODE }, ok);
    assert.equal(init.status, 200, init.text);

    const run = await proxy.post('/run', { value: { n: 1 } }, { agent: freshAgent() });
    assert.equal(run.status, 403);
    const owned = await proxy.post('/run', { value: { n: 2 } }, ok);
    assert.equal(owned.status, 200, owned.text);
    // The action never sees the secret in its environment.
    assert.deepEqual(owned.json, { who: 'owner', token: null, p: { n: 2 } });
});

test('with no token configured the plain protocol is spoken, header or not', async (t) => {
    const proxy = await proxyFor(t);
    assert.equal((await proxy.init(CODE)).status, 200);
    const run = await proxy.post('/run', { value: { n: 3 } }, { headers: { 'X-Whisk-Proxy-Token': 'anything' } });
    assert.equal(run.status, 200);
    assert.equal(run.json.who, 'owner');
});
