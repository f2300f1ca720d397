'use strict';
/**
 * Activation log framing: the end-of-activation sentinels, optionally per-line activation tags, and in-band capture.
 *
 * In-band capture (the invoker asks for it per request with the `x-whisk-log-limit` header): every line the action
 * writes to stdout or stderr while its activation runs is kept in memory, formatted as the invoker files Docker log
 * lines (`<ISO time padded to 30> <stream>: <text>`), up to the limit in bytes, and returned with the answer; nothing
 * is written to the container's own streams and no sentinel is printed, so the invoker never reads Docker's log for
 * it. Writes outside any activation's async context go to the only capturing run when exactly one is in flight (as
 * OpenWhisk files untagged lines), else to the real stream. Should the process exit mid-run (the action called
 * process.exit), what was captured is written to the real streams, tagged with its activation id and followed by
 * tagged sentinels, so the invoker's Docker-log fallback still finds it.
 *
 * The invoker reads the container's stdout/stderr and cuts it into activations at the sentinel
 * lines, so a sentinel must be fully written before the /run response leaves (otherwise the
 * invoker could stop reading too early). With overlapping runs sentinels cannot split the
 * streams, so when `__OW_LOG_TAGS=true` every console line is prefixed with the id of the
 * activation whose code wrote it; AsyncLocalStorage carries that id through the action's
 * callbacks and awaits.
 */
const { AsyncLocalStorage } = require('async_hooks');
const util = require('util');

const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
const TIME_WIDTH = 30;

const formatArgs = (args) => util.formatWithOptions({}, ...args);
// console.dir takes (object, inspectOptions) rather than printf-style arguments.
const formatDir = ([object, options]) => util.inspect(object, { customInspect: false, ...options });

// Console methods the tags cover, the stream each writes to (as Node's own console does), and how
// it formats. trace/assert/count/time*/table reach a stream through these, as Node calls them via `this`.
const TAGGED_METHODS = [
    ['log', 'stdout', formatArgs],
    ['info', 'stdout', formatArgs],
    ['debug', 'stdout', formatArgs],
    ['dir', 'stdout', formatDir],
    ['warn', 'stderr', formatArgs],
    ['error', 'stderr', formatArgs],
];

class ActivationLogs {
    /**
     * @param {{tagLines: boolean, stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream}} options
     */
    constructor({ tagLines, stdout = process.stdout, stderr = process.stderr }) {
        this.tagLines = tagLines;
        this.streams = { stdout, stderr };
        this.storage = new AsyncLocalStorage();
        this.capturing = new Set(); // contexts whose output is being captured
        this.streamsHooked = false;
    }

    /**
     * Starts capturing the output of `context` (an activation context) in memory, up to `limitBytes` of text.
     * The first call hooks the two streams' write methods.
     */
    startCapture(context, limitBytes) {
        this.hookStreams();
        context.capture = { lines: [], bytes: 0, limitBytes, truncated: false, partial: { stdout: '', stderr: '' } };
        this.capturing.add(context);
    }

    /** Ends the capture of `context`; returns {lines, truncated}, a trailing partial line included. */
    endCapture(context) {
        const capture = context.capture;
        this.capturing.delete(context);
        if (!capture) {
            return { lines: [], truncated: false };
        }
        for (const stream of ['stdout', 'stderr']) {
            if (capture.partial[stream].length > 0) {
                addLine(capture, stream, capture.partial[stream]);
                capture.partial[stream] = '';
            }
        }
        context.capture = undefined;
        return { lines: capture.lines, truncated: capture.truncated };
    }

    /** Replaces stdout's and stderr's write with one that files text under the capturing activation, if any. */
    hookStreams() {
        if (this.streamsHooked) {
            return;
        }
        this.streamsHooked = true;
        for (const name of ['stdout', 'stderr']) {
            const stream = this.streams[name];
            const original = stream.write;
            const logs = this;
            stream.write = function capturingWrite(chunk, encoding, callback) {
                const context = logs.captureTarget();
                if (!context) {
                    return original.apply(this, arguments);
                }
                const text = typeof chunk === 'string' ? chunk
                    : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
                capture(context.capture, name, text);
                const done = typeof encoding === 'function' ? encoding : callback;
                if (typeof done === 'function') {
                    process.nextTick(done);
                }
                return true;
            };
            stream.originalWrite = original;
        }
        process.on('exit', () => this.flushCapturesAtExit());
    }

    /** The context output should be filed under now: the current one if capturing, else the only capturing one. */
    captureTarget() {
        const context = this.storage.getStore();
        if (context && context.capture) {
            return context;
        }
        if (!context && this.capturing.size === 1) {
            return this.capturing.values().next().value;
        }
        return undefined;
    }

    /** On exit mid-run: captured lines go to the real streams, tagged, each run closed by tagged sentinels. */
    flushCapturesAtExit() {
        for (const context of Array.from(this.capturing)) {
            const id = context.activationId || '';
            const { lines } = this.endCapture(context);
            const tag = id ? `${id} ` : '';
            for (const line of lines) {
                const stream = line.startsWith('stdout', TIME_WIDTH + 1) ? 'stdout' : 'stderr';
                const text = line.slice(TIME_WIDTH + 1 + stream.length + 2);
                this.streams[stream].originalWrite.call(this.streams[stream], `${tag}${text}\n`);
            }
            for (const stream of ['stdout', 'stderr']) {
                this.streams[stream].originalWrite.call(this.streams[stream], `${tag}${SENTINEL}\n`);
            }
        }
    }

    /** Runs fn with `context` (an object with at least `activationId`) as the current activation. */
    runInContext(context, fn) {
        return this.storage.run(context, fn);
    }

    /** The activation context of the code running now, or undefined outside any activation. */
    currentContext() {
        return this.storage.getStore();
    }

    /**
     * Writes the sentinel line to stdout and stderr; resolves once both writes are flushed to the
     * OS, so the caller can answer the HTTP request knowing the log collector will find them.
     */
    writeSentinels(activationId) {
        const line = this.prefix(activationId) + SENTINEL + '\n';
        return Promise.all([flushWrite(this.streams.stdout, line), flushWrite(this.streams.stderr, line)]);
    }

    /** Replaces the global console methods so lines written inside an activation carry its id. */
    installConsoleTags(target = console) {
        if (!this.tagLines) {
            return;
        }
        for (const [method, streamName, format] of TAGGED_METHODS) {
            const original = target[method];
            const stream = this.streams[streamName];
            const logs = this;
            target[method] = function taggedConsoleMethod(...args) {
                const context = logs.currentContext();
                // A captured run needs no tags: its lines travel with its own answer.
                if (!context || !context.activationId || context.capture) {
                    return original.apply(this, args);
                }
                stream.write(prefixLines(context.activationId, format(args)));
                return undefined;
            };
        }
    }

    prefix(activationId) {
        return this.tagLines && activationId ? `${activationId} ` : '';
    }
}

/** Files `text` written to `stream` under a capture: whole lines now, a trailing partial line when completed. */
function capture(target, stream, text) {
    const joined = target.partial[stream] + text;
    const parts = joined.split('\n');
    target.partial[stream] = parts.pop();
    for (const line of parts) {
        addLine(target, stream, line);
    }
}

function addLine(target, stream, text) {
    if (target.truncated) {
        return;
    }
    target.bytes += Buffer.byteLength(text);
    if (target.bytes > target.limitBytes) {
        target.truncated = true;
        return;
    }
    target.lines.push(`${new Date().toISOString().padEnd(TIME_WIDTH)} ${stream}: ${text}`);
}

function prefixLines(activationId, text) {
    return text.split('\n').map((line) => `${activationId} ${line}`).join('\n') + '\n';
}

/** Resolves when the chunk has been handed to the OS (or the stream failed; logs are best effort). */
function flushWrite(stream, chunk) {
    return new Promise((resolve) => {
        try {
            stream.write(chunk, () => resolve());
        } catch (e) {
            resolve();
        }
    });
}

module.exports = { ActivationLogs, SENTINEL };
