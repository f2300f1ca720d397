'use strict';
// __OW_ALLOW_CONCURRENT and __OW_LOG_TAGS: overlapping runs, each line filed under its activation.
const test = require('node:test');
const assert = require('node:assert/strict');
const { proxyFor, SENTINEL } = require('../testkit/proxy-process');

const ID_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const ID_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

// Run "hold" parks until a later run "release" resolves it, so the two provably overlap.
const OVERLAPPING_ACTION = `
    let releaseHeld;
    async function main(p) {
        if (p.role === 'hold') {
            console.log('hold started');
            const by = await new Promise((resolve) => { releaseHeld = resolve; });
            console.log('hold resumed\\nsecond line');
            console.error('hold stderr');
            return { role: p.role, releasedBy: by, id: process.env.__OW_ACTIVATION_ID.length };
        }
        console.log('release running');
        console.warn('release warning');
        releaseHeld(p.role);
        return { role: p.role };
    }`;

function linesOf(lines, activationId) {
    const prefix = `${activationId} `;
    return lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length));
}

async function overlap(proxy) {
    const held = proxy.run({ role: 'hold' }, { activation_id: ID_A });
    await proxy.stdout.waitFor((text) => text.includes('hold started'));
    const release = await proxy.run({ role: 'release' }, { activation_id: ID_B });
    return { held: await held, release };
}

test('with __OW_ALLOW_CONCURRENT and __OW_LOG_TAGS, overlapping runs get their own tagged lines', async (t) => {
    const proxy = await proxyFor(t, { __OW_ALLOW_CONCURRENT: 'true', __OW_LOG_TAGS: 'true' });
    assert.equal((await proxy.init({ main: 'main', code: OVERLAPPING_ACTION })).status, 200);

    const { held, release } = await overlap(proxy);
    assert.equal(release.status, 200);
    assert.deepEqual(release.json, { role: 'release' });
    assert.equal(held.status, 200);
    assert.deepEqual(held.json, { role: 'hold', releasedBy: 'release', id: 32 });

    await proxy.sentinels(1, ID_A);
    await proxy.sentinels(1, ID_B);
    // How A's resumed lines interleave with B's is up to the scheduler; each activation's own
    // lines, in order and ending with its sentinel, are what the host relies on.
    const stdout = proxy.stdout.lines();
    const stderr = proxy.stderr.lines();
    assert.ok(stdout.concat(stderr).every((line) => line.startsWith(`${ID_A} `) || line.startsWith(`${ID_B} `)));
    assert.deepEqual(linesOf(stdout, ID_A), ['hold started', 'hold resumed', 'second line', SENTINEL]);
    assert.deepEqual(linesOf(stdout, ID_B), ['release running', SENTINEL]);
    assert.deepEqual(linesOf(stderr, ID_A), ['hold stderr', SENTINEL]);
    assert.deepEqual(linesOf(stderr, ID_B), ['release warning', SENTINEL]);
});

test('with __OW_ALLOW_CONCURRENT alone, runs overlap and lines stay untouched', async (t) => {
    const proxy = await proxyFor(t, { __OW_ALLOW_CONCURRENT: 'true' });
    await proxy.init({ main: 'main', code: OVERLAPPING_ACTION });
    const { held, release } = await overlap(proxy);
    assert.equal(release.status, 200);
    assert.equal(held.status, 200);
    await proxy.sentinels(2);
    assert.deepEqual(proxy.stdout.lines().sort(), [
        'hold started', 'release running', 'hold resumed', 'second line', SENTINEL, SENTINEL,
    ].sort());
});

test('with __OW_LOG_TAGS, top-level init output and init failure carry the init activation id', async (t) => {
    const proxy = await proxyFor(t, { __OW_LOG_TAGS: 'true' });
    const init = await proxy.init({
        main: 'main',
        code: 'console.log("loading"); const main = 1;',
        env: { __OW_ACTIVATION_ID: ID_A },
    });
    assert.equal(init.status, 502);
    await proxy.sentinels(1, ID_A);
    assert.deepEqual(proxy.stdout.lines(), [`${ID_A} loading`, `${ID_A} ${SENTINEL}`]);
    assert.match(proxy.stderr.text, new RegExp(`^${ID_A} Error during initialization: `));
});

test('a run without activation id is written untagged even with __OW_LOG_TAGS', async (t) => {
    const proxy = await proxyFor(t, { __OW_LOG_TAGS: 'true' });
    await proxy.init({ main: 'main', code: 'function main() { console.log("plain"); return {}; }' });
    assert.equal((await proxy.run({})).status, 200);
    await proxy.sentinels(1);
    assert.deepEqual(proxy.stdout.lines(), ['plain', SENTINEL]);
});
