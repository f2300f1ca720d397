'use strict';
// Zipped and tarred actions: through a real proxy for the protocol, in-process for the reader's
// safety rules. Archives are built in JS (testkit/archives.js); one extra check uses Info-ZIP's
// `zip` when it is installed, to prove the reader handles what a real tool writes.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { proxyFor } = require('../testkit/proxy-process');
const { buildZip, buildTar, buildTarGz } = require('../testkit/archives');
const { extractArchive, detectFormat, ArchiveError } = require('../archive');

const ACTION_WITH_DEPENDENCY = [
    { name: 'package.json', content: JSON.stringify({ name: 'zipped', main: 'lib/entry.js' }) },
    { name: 'lib/', directory: true },
    {
        name: 'lib/entry.js',
        content: `const shout = require('shout');
                  const fs = require('fs');
                  exports.main = (p) => ({ message: shout(p.name), data: fs.readFileSync('data.txt', 'utf8').trim() });
                  exports.other = () => ({ other: true });`,
    },
    { name: 'data.txt', content: 'read relative to the action directory\n' },
    { name: 'node_modules/shout/package.json', content: JSON.stringify({ name: 'shout', main: 'shout.js' }) },
    { name: 'node_modules/shout/shout.js', content: 'module.exports = (s) => String(s).toUpperCase() + "!";' },
    { name: 'helpers.js', content: 'exports.greet = (p) => ({ greeted: p.name });' },
];

function binaryInit(archive, main = 'main') {
    return { name: 'zipped', main, binary: true, code: archive.toString('base64') };
}

test('a zip with package.json main and a node_modules dependency runs', async (t) => {
    for (const method of ['deflate', 'store']) {
        const proxy = await proxyFor(t);
        const init = await proxy.init(binaryInit(buildZip(ACTION_WITH_DEPENDENCY, { method })));
        assert.equal(init.status, 200, init.text);
        const run = await proxy.run({ name: 'jane' });
        assert.equal(run.status, 200);
        assert.deepEqual(run.json, { message: 'JANE!', data: 'read relative to the action directory' });
    }
});

test('main names another export, or file.function in another file of the archive', async (t) => {
    const zip = buildZip(ACTION_WITH_DEPENDENCY);
    const other = await proxyFor(t);
    assert.equal((await other.init(binaryInit(zip, 'other'))).status, 200);
    assert.deepEqual((await other.run({})).json, { other: true });

    const inFile = await proxyFor(t);
    assert.equal((await inFile.init(binaryInit(zip, 'helpers.greet'))).status, 200);
    assert.deepEqual((await inFile.run({ name: 'Ann' })).json, { greeted: 'Ann' });
});

test('a zip with only index.js at its root runs', async (t) => {
    const proxy = await proxyFor(t);
    const zip = buildZip([{ name: 'index.js', content: 'module.exports.main = async (p) => ({ sum: p.a + p.b });' }]);
    assert.equal((await proxy.init(binaryInit(zip))).status, 200);
    assert.deepEqual((await proxy.run({ a: 2, b: 3 })).json, { sum: 5 });
});

test('a gzipped tar action is accepted like a zip', async (t) => {
    const proxy = await proxyFor(t);
    const longName = `node_modules/shout/${'deep/'.repeat(20)}x.js`; // > 100 bytes: needs a pax header
    const entries = ACTION_WITH_DEPENDENCY.concat([{ name: longName, content: 'module.exports = 1;' }]);
    assert.equal((await proxy.init(binaryInit(buildTarGz(entries)))).status, 200);
    assert.deepEqual((await proxy.run({ name: 'tar' })).json,
        { message: 'TAR!', data: 'read relative to the action directory' });
});

test('an ES module package is loaded with import()', async (t) => {
    const proxy = await proxyFor(t);
    const zip = buildZip([
        { name: 'package.json', content: JSON.stringify({ type: 'module', main: 'main.js' }) },
        { name: 'main.js', content: 'export function main(p) { return { esm: true, n: p.n }; }' },
    ]);
    const init = await proxy.init(binaryInit(zip));
    assert.equal(init.status, 200, init.text);
    assert.deepEqual((await proxy.run({ n: 7 })).json, { esm: true, n: 7 });
});

test('bad archives fail init with 502 and a reason', async (t) => {
    const cases = [
        ['not an archive', Buffer.from('just some text, certainly not a zip'), /neither a zip nor a \(gzipped\) tar/],
        ['no package.json or index.js', buildZip([{ name: 'other.js', content: 'exports.main = () => ({});' }]),
            /Zipped actions must contain either package.json or index.js at the root\./],
        ['path traversal', buildZip([{ name: 'index.js', content: 'x' }, { name: '../escape.js', content: 'x' }]),
            /unsafe path in archive: \.\.\/escape\.js/],
        ['truncated zip', buildZip(ACTION_WITH_DEPENDENCY).subarray(0, 200), /uncompressing the action archive/],
        ['main not exported', buildZip([{ name: 'index.js', content: 'exports.notMain = () => ({});' }]),
            /Action entrypoint 'main' is not a function\./],
        ['entry module throws', buildZip([{ name: 'index.js', content: 'throw new Error("broken module");' }]),
            /Error: broken module/],
    ];
    for (const [label, archive, expected] of cases) {
        const proxy = await proxyFor(t);
        const init = await proxy.init(binaryInit(archive));
        assert.equal(init.status, 502, label);
        assert.match(init.json.error, /^Initialization has failed due to: /, label);
        assert.match(init.json.error, expected, label);
        await proxy.sentinels(1);
    }
});

// ------------------------------------------------------------ reader, in process

function tempDir(t) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ow-archive-test-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

test('formats are detected by magic bytes', () => {
    assert.equal(detectFormat(buildZip([{ name: 'a', content: 'a' }])), 'zip');
    assert.equal(detectFormat(buildZip([])), 'zip');
    assert.equal(detectFormat(buildTarGz([{ name: 'a', content: 'a' }])), 'tar.gz');
    assert.equal(detectFormat(buildTar([{ name: 'a', content: 'a' }])), 'tar');
    assert.equal(detectFormat(Buffer.from('hello')), null);
});

test('extraction keeps files, directories, modes and links inside the root', (t) => {
    const dir = tempDir(t);
    extractArchive(buildZip([
        { name: 'bin/', directory: true },
        { name: 'bin/tool', content: '#!/bin/sh\n', mode: 0o755 },
        { name: 'lib/a.txt', content: 'A' },
        { name: 'link-to-a', symlink: 'lib/a.txt' },
    ]), dir);
    assert.equal(fs.readFileSync(path.join(dir, 'lib/a.txt'), 'utf8'), 'A');
    assert.equal(fs.statSync(path.join(dir, 'bin/tool')).mode & 0o111, 0o111);
    assert.equal(fs.readlinkSync(path.join(dir, 'link-to-a')), 'lib/a.txt');
    assert.equal(fs.readFileSync(path.join(dir, 'link-to-a'), 'utf8'), 'A');
});

test('ZIP64 end records and extra fields are followed', (t) => {
    const dir = tempDir(t);
    extractArchive(buildZip([
        { name: 'index.js', content: 'exports.main = () => ({});' },
        { name: 'lib/data.txt', content: 'sixty-four' },
    ], { zip64: true }), dir);
    assert.equal(fs.readFileSync(path.join(dir, 'lib/data.txt'), 'utf8'), 'sixty-four');
    assert.equal(fs.readFileSync(path.join(dir, 'index.js'), 'utf8'), 'exports.main = () => ({});');
});

test('unsafe entries are rejected before anything escapes the root', (t) => {
    const unsafe = [
        [buildZip([{ name: '/etc/owned', content: 'x' }]), /unsafe path/],
        [buildZip([{ name: 'a/../../owned', content: 'x' }]), /unsafe path/],
        [buildZip([{ name: '..\\owned', content: 'x' }]), /unsafe path/],
        [buildZip([{ name: 'up', symlink: '../..' }]), /points outside the archive/],
        [buildZip([{ name: 'abs', symlink: '/etc' }]), /points outside the archive/],
        [buildZip([{ name: 'a', symlink: '.' }, { name: 'a/b', symlink: '../x' }]), /nested inside another symlink/],
        [buildTar([{ name: '../owned', content: 'x' }]), /unsafe path/],
    ];
    for (const [archive, expected] of unsafe) {
        const dir = tempDir(t);
        assert.throws(() => extractArchive(archive, dir), (e) => e instanceof ArchiveError && expected.test(e.message));
        assert.ok(!fs.existsSync(path.join(path.dirname(dir), 'owned')));
    }
});

test('corrupt data is reported, not written', (t) => {
    const zip = buildZip([{ name: 'a.txt', content: 'hello hello hello hello' }], { method: 'store' });
    const flipped = Buffer.from(zip);
    flipped[30 + 'a.txt'.length] ^= 0xff; // first data byte: the CRC no longer matches
    assert.throws(() => extractArchive(flipped, tempDir(t)), /checksum mismatch for a\.txt/);
    assert.throws(() => extractArchive(buildTarGz([{ name: 'a', content: 'a' }]).subarray(0, 20), tempDir(t)),
        /corrupt gzip data/);
});

/** The path of Info-ZIP's zip, or undefined when it is not installed. */
function findZipTool() {
    try {
        return execFileSync('sh', ['-c', 'command -v zip'], { encoding: 'utf8' }).trim() || undefined;
    } catch (e) {
        return undefined;
    }
}

/** A small action tree on disk: index.js requiring node_modules/dep, plus an optional symlink. */
function writeActionTree(t, { withSymlink }) {
    const source = tempDir(t);
    // Streamed zip output cannot be rewritten, so zip fails on a file that deflate would not
    // shrink (and on symlinks): every file gets a compressible tail.
    const padding = `// ${'padding '.repeat(50)}\n`;
    const indexSource = `exports.main = () => require("dep");\n${padding}`;
    fs.mkdirSync(path.join(source, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(source, 'index.js'), indexSource);
    fs.writeFileSync(path.join(source, 'node_modules/dep/index.js'), `module.exports = { big: "${'z'.repeat(10000)}" };\n`);
    if (withSymlink) {
        fs.symlinkSync('dep/index.js', path.join(source, 'node_modules/alias.js'));
    }
    return { source, indexSource };
}

function assertActionTree(target, indexSource) {
    assert.equal(fs.readFileSync(path.join(target, 'index.js'), 'utf8'), indexSource);
    assert.equal(require(path.join(target, 'node_modules/dep')).big.length, 10000);
}

test('archives written by Info-ZIP zip, with a stored symlink, extract', (t) => {
    const zipTool = findZipTool();
    if (!zipTool) {
        t.skip('zip is not installed');
        return;
    }
    const { source, indexSource } = writeActionTree(t, { withSymlink: true });
    const zipFile = path.join(tempDir(t), 'action.zip');
    // -y stores the symlink as a link instead of following it.
    execFileSync(zipTool, ['-q', '-r', '-y', zipFile, '.'], { cwd: source, stdio: ['ignore', 'pipe', 'pipe'] });
    const target = tempDir(t);
    extractArchive(fs.readFileSync(zipFile), target);
    assertActionTree(target, indexSource);
    assert.equal(fs.readlinkSync(path.join(target, 'node_modules/alias.js')), 'dep/index.js');
});

test('archives streamed by Info-ZIP zip, with data descriptors, extract', (t) => {
    const zipTool = findZipTool();
    if (!zipTool) {
        t.skip('zip is not installed');
        return;
    }
    const { source, indexSource } = writeActionTree(t, { withSymlink: false });
    // Writing to a pipe makes zip stream: sizes and CRCs follow each entry in a data descriptor.
    // (Through `cat`: zip refuses a socket, which is what Node hands a child for stdout.)
    const archive = execFileSync('sh', ['-c', `"${zipTool}" -q -r - . | cat`],
        { cwd: source, maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.ok(localFlags(archive).some((flags) => flags & 0x0008), 'expected data descriptors');
    const target = tempDir(t);
    extractArchive(archive, target);
    assertActionTree(target, indexSource);
});

test('archives written by GNU tar (long names, symlinks) extract', (t) => {
    let tarTool;
    try {
        tarTool = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
    } catch (e) {
        t.skip('tar is not installed');
        return;
    }
    const { source, indexSource } = writeActionTree(t, { withSymlink: true });
    const longDir = path.join(source, 'node_modules', 'dep', 'd'.repeat(60), 'e'.repeat(60));
    fs.mkdirSync(longDir, { recursive: true });
    fs.writeFileSync(path.join(longDir, 'long.js'), 'module.exports = "long";\n');
    for (const format of ['gnu', 'posix']) {
        const archive = execFileSync(tarTool, [`--format=${format}`, '-czf', '-', '.'],
            { cwd: source, maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
        const target = tempDir(t);
        assert.equal(extractArchive(archive, target), 'tar.gz');
        assertActionTree(target, indexSource);
        assert.equal(fs.readlinkSync(path.join(target, 'node_modules/alias.js')), 'dep/index.js');
        const relative = path.relative(source, path.join(longDir, 'long.js'));
        assert.equal(fs.readFileSync(path.join(target, relative), 'utf8'), 'module.exports = "long";\n', format);
    }
});

/** The general-purpose flags of every local header, found by signature. */
function localFlags(zip) {
    const flags = [];
    for (let at = zip.indexOf('PK\x03\x04'); at >= 0; at = zip.indexOf('PK\x03\x04', at + 4)) {
        flags.push(zip.readUInt16LE(at + 6));
    }
    return flags;
}
