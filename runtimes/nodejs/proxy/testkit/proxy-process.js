'use strict';
/**
 * Test support: runs the proxy as a child process on a free 127.0.0.1 port and talks to it over
 * real HTTP. Kept outside `test/` because `node --test` runs every .js file under a `test` dir.
 *
 * Nothing here sleeps: readiness comes over the IPC channel, output is awaited on 'data' events.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const SERVER_JS = path.join(__dirname, '..', 'server.js');
const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';

/** Accumulates a child stream's text and lets a test await content. */
class OutputCapture {
    constructor(stream) {
        this.text = '';
        this.waiters = [];
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => {
            this.text += chunk;
            this.waiters = this.waiters.filter((w) => !w.check());
        });
    }

    /** Resolves with the whole text once predicate(text) is true. */
    waitFor(predicate) {
        return new Promise((resolve) => {
            const check = () => {
                if (!predicate(this.text)) {
                    return false;
                }
                resolve(this.text);
                return true;
            };
            if (!check()) {
                this.waiters.push({ check });
            }
        });
    }

    /** Resolves once `needle` occurs at least `count` times. */
    waitForCount(needle, count = 1) {
        return this.waitFor((text) => countOf(text, needle) >= count);
    }

    lines() {
        return this.text.split('\n').filter((line) => line.length > 0);
    }
}

class ProxyProcess {
    constructor(child, port) {
        this.child = child;
        this.port = port;
        this.stdout = new OutputCapture(child.stdout);
        this.stderr = new OutputCapture(child.stderr);
        this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
        this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    }

    /** POSTs a JSON body (object or raw string); resolves to {status, headers, text, json}. */
    post(route, body, options = {}) {
        const payload = typeof body === 'string' ? body : JSON.stringify(body);
        return request({
            port: this.port,
            method: options.method || 'POST',
            path: route,
            agent: options.agent || this.agent,
            payload,
            headers: options.headers,
        });
    }

    init(value) {
        return this.post('/init', { value });
    }

    run(value, fields = {}) {
        return this.post('/run', { value, ...fields });
    }

    /** Resolves once both streams carry `count` sentinels (optionally tagged with an activation id). */
    async sentinels(count = 1, activationId) {
        const needle = activationId ? `${activationId} ${SENTINEL}` : SENTINEL;
        await Promise.all([this.stdout.waitForCount(needle, count), this.stderr.waitForCount(needle, count)]);
    }

    async stop() {
        this.agent.destroy();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill('SIGTERM');
        }
        return this.exited;
    }
}

/** Starts the proxy with the given extra environment; resolves once it listens. */
function startProxy(env = {}) {
    const child = spawn(process.execPath, [SERVER_JS], {
        // A clean environment: the test runner's own NODE_* variables must not leak into the proxy.
        env: { PATH: process.env.PATH, __OW_PROXY_PORT: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new Promise((resolve, reject) => {
        const early = new ProxyProcess(child, 0);
        child.once('message', (message) => {
            early.port = message.listening;
            resolve(early);
        });
        child.once('exit', (code, signal) => {
            reject(new Error(`proxy exited before listening (code ${code}, signal ${signal}): ${early.stderr.text}`));
        });
        child.once('error', reject);
    });
}

function request({ port, method, path: route, agent, payload, headers = {} }) {
    return new Promise((resolve, reject) => {
        const req = http.request({
            host: '127.0.0.1',
            port,
            method,
            path: route,
            agent,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers },
        }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let json;
                try {
                    json = JSON.parse(text);
                } catch (e) {
                    json = undefined;
                }
                resolve({ status: res.statusCode, headers: res.headers, text, json, socket: req.socket });
            });
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
    });
}

function countOf(text, needle) {
    let count = 0;
    let at = text.indexOf(needle);
    while (at >= 0) {
        count++;
        at = text.indexOf(needle, at + needle.length);
    }
    return count;
}

/**
 * Starts a proxy for one test and stops it afterwards (t is the node:test context). The proxy
 * unpacks actions under os.tmpdir(), so each one gets its own TMPDIR, removed with it.
 */
async function proxyFor(t, env = {}) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ow-proxy-test-'));
    const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
    let proxy;
    try {
        proxy = await startProxy({ TMPDIR: tmp, ...env });
    } catch (e) {
        removeTmp();
        throw e;
    }
    t.after(async () => {
        await proxy.stop();
        removeTmp();
    });
    return proxy;
}

module.exports = { startProxy, proxyFor, ProxyProcess, OutputCapture, SENTINEL, countOf };
