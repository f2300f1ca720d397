'use strict';
/**
 * OpenWhisk-compatible Node.js action proxy: an HTTP server with `POST /init` and `POST /run`
 * (SPEC §8), built on Node built-ins only.
 *
 * Environment (read once at start):
 *   __OW_PROXY_PORT        port to listen on (default 8080; 0 picks a free one, for tests)
 *   __OW_ALLOW_CONCURRENT  "true" lets /run calls overlap
 *   __OW_LOG_TAGS          "true" prefixes action console lines and sentinels with the activation id
 *   __OW_PROXY_TOKEN       when set, every /init and /run must carry it in the X-Whisk-Proxy-Token header
 *                          (compared in constant time); others get 403 and change nothing. Unset, the
 *                          plain protocol is spoken. The variable is removed from process.env at start,
 *                          so action code does not see it there.
 *
 * In-band logs: a request with the header `x-whisk-log-limit: <bytes>` gets its activation's log lines
 * with the answer instead of on stdout/stderr. The body is then the JSON answer immediately followed
 * by the lines, each ending in a newline; `x-whisk-result-length` gives the JSON's length in bytes and
 * `x-whisk-logs-truncated: true` says lines were dropped at the limit. OpenWhisk's protocol is
 * unchanged for a request without the header.
 *
 * When started with an IPC channel (child_process.fork / spawn with 'ipc'), it sends
 * `{listening: <port>}` once ready; nothing is printed, because anything on stdout before the
 * first activation would land in that activation's logs.
 */
const crypto = require('crypto');
const http = require('http');
const { ActivationLogs } = require('./logs');
const { ActionService } = require('./service');

const DEFAULT_PORT = 8080;
const LISTEN_HOST = '0.0.0.0';
// Code may be up to 48 MB and arrives base64-encoded inside JSON; leave generous headroom.
const MAX_BODY_BYTES = 128 * 1024 * 1024;
// The invoker keeps one connection per container for its whole life; idle gaps can be long.
const KEEP_ALIVE_TIMEOUT_MS = 10 * 60 * 1000;
// Node lower-cases incoming header names.
const TOKEN_HEADER = 'x-whisk-proxy-token';

/** Reads the proxy's settings from the container environment. */
function readConfig(env) {
    const port = env.__OW_PROXY_PORT === undefined || env.__OW_PROXY_PORT === ''
        ? DEFAULT_PORT : Number(env.__OW_PROXY_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`__OW_PROXY_PORT must be a port number, got '${env.__OW_PROXY_PORT}'`);
    }
    return {
        port,
        allowConcurrent: env.__OW_ALLOW_CONCURRENT === 'true',
        logTags: env.__OW_LOG_TAGS === 'true',
        token: env.__OW_PROXY_TOKEN ? Buffer.from(env.__OW_PROXY_TOKEN, 'utf8') : undefined,
    };
}

/**
 * Whether the request proves it comes from the invoker: true when no token is configured, else
 * when its header holds the token. timingSafeEqual needs equal lengths; a length mismatch is a
 * refusal and reveals only the length, which is fixed for every container.
 */
function isAuthorized(token, req) {
    if (token === undefined) {
        return true;
    }
    const offered = req.headers[TOKEN_HEADER];
    if (typeof offered !== 'string') {
        return false;
    }
    const bytes = Buffer.from(offered, 'utf8');
    return bytes.length === token.length && crypto.timingSafeEqual(bytes, token);
}

/** Builds the HTTP server around a service; exported so the routing can be reused in-process. */
function createServer(service, token, options = {}) {
    const server = http.createServer(options, (req, res) => {
        if (!isAuthorized(token, req)) {
            // Refused before the body is read: nothing reaches the service. The connection closes,
            // so an unread body cannot be taken for the next request.
            send(res, 403, JSON.stringify({ error: 'Forbidden.' }), true);
            req.resume();
            return;
        }
        handleRequest(service, req, res).catch((error) => {
            console.error('Internal proxy error:', error);
            send(res, 500, JSON.stringify({ error: `Internal proxy error: ${error && error.message}` }));
        });
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // Node 20 closes a connection that has not sent a whole request within headersTimeout (60 s), which
    // includes an invoker's pre-opened keep-alive connection to an idle or pre-warmed container: the
    // invoker then took the container for dead. Only the invoker talks to us; it bounds every request.
    server.headersTimeout = 0;
    // An init body or a run can legitimately take minutes; the invoker enforces the time limits.
    server.requestTimeout = 0;
    server.timeout = 0;
    return server;
}

async function handleRequest(service, req, res) {
    const route = routeOf(req);
    if (route === undefined) {
        send(res, 500, JSON.stringify({ error: 'Bad request.' }));
        return;
    }
    const body = await readBody(req);
    if (body === undefined) {
        send(res, 413, JSON.stringify({ error: `Request body is larger than ${MAX_BODY_BYTES} bytes.` }), true);
        return;
    }
    const parsed = parseJsonObject(body);
    if (parsed.error) {
        send(res, 400, JSON.stringify({ error: `Malformed request body: ${parsed.error}` }));
        return;
    }
    const logLimit = logLimitOf(req);
    const answer = route === 'init' ? await service.init(parsed.value, logLimit) :
        await service.run(parsed.value, logLimit);
    if (answer.logs) {
        sendWithLogs(res, answer);
    } else {
        send(res, answer.statusCode, answer.body);
    }
}

/** The in-band log limit the invoker asked for, or undefined for OpenWhisk's plain protocol. */
function logLimitOf(req) {
    const header = req.headers['x-whisk-log-limit'];
    if (header === undefined) {
        return undefined;
    }
    const limit = Number(header);
    return Number.isSafeInteger(limit) && limit >= 0 ? limit : undefined;
}

function sendWithLogs(res, answer) {
    if (res.headersSent || res.destroyed) {
        return;
    }
    const result = Buffer.from(answer.body, 'utf8');
    const lines = answer.logs.lines;
    const logs = Buffer.from(lines.length === 0 ? '' : lines.join('\n') + '\n', 'utf8');
    const headers = {
        'Content-Type': 'application/json',
        'Content-Length': result.length + logs.length,
        'x-whisk-result-length': result.length,
    };
    if (answer.logs.truncated) {
        headers['x-whisk-logs-truncated'] = 'true';
    }
    res.writeHead(answer.statusCode, headers);
    res.end(logs.length === 0 ? result : Buffer.concat([result, logs], result.length + logs.length));
}

function routeOf(req) {
    if (req.method !== 'POST') {
        return undefined;
    }
    const path = req.url.split('?')[0];
    if (path === '/init') {
        return 'init';
    }
    if (path === '/run') {
        return 'run';
    }
    return undefined;
}

/** Resolves to the body as a Buffer, or undefined when it exceeds MAX_BODY_BYTES. */
function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let length = 0;
        let tooLarge = false;
        req.on('data', (chunk) => {
            if (tooLarge) {
                return;
            }
            length += chunk.length;
            if (length > MAX_BODY_BYTES) {
                tooLarge = true;
                chunks.length = 0;
                resolve(undefined);
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => {
            if (!tooLarge) {
                resolve(Buffer.concat(chunks, length));
            }
        });
        req.on('error', reject);
    });
}

/** Parses a JSON object body; an empty body counts as {}. */
function parseJsonObject(buffer) {
    if (buffer.length === 0) {
        return { value: {} };
    }
    let value;
    try {
        value = JSON.parse(buffer.toString('utf8'));
    } catch (e) {
        return { error: e.message };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { error: 'expected a JSON object' };
    }
    return { value };
}

function send(res, statusCode, body, closeConnection = false) {
    if (res.headersSent || res.destroyed) {
        return;
    }
    const headers = {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
    };
    if (closeConnection) {
        headers.Connection = 'close';
    }
    res.writeHead(statusCode, headers);
    res.end(body);
}

/**
 * Keeps the proxy alive whatever the action does: an uncaught exception fails the run it belongs
 * to (or is logged), an unhandled rejection is logged. Node would otherwise exit on either.
 */
function installProcessGuards(service) {
    process.on('uncaughtException', (error) => {
        if (!service.onUncaughtError(error)) {
            console.error('Uncaught exception:', error);
        }
    });
    process.on('unhandledRejection', (reason) => {
        console.error('Unhandled promise rejection:', reason);
    });
    // As PID 1 of a container, node gets no default signal handling: without these, `docker stop`
    // would wait out its whole grace period before killing the container.
    for (const signal of ['SIGTERM', 'SIGINT']) {
        process.once(signal, () => process.exit(0));
    }
}

function start(env = process.env) {
    const config = readConfig(env);
    delete env.__OW_PROXY_TOKEN;
    const logs = new ActivationLogs({ tagLines: config.logTags });
    logs.installConsoleTags();
    const service = new ActionService({ allowConcurrent: config.allowConcurrent, logs });
    installProcessGuards(service);
    const server = createServer(service, config.token);
    server.listen(config.port, LISTEN_HOST, () => {
        if (typeof process.send === 'function') {
            process.send({ listening: server.address().port });
        }
    });
    return server;
}

if (require.main === module) {
    start();
}

module.exports = { start, createServer, readConfig };
