'use strict';
/**
 * Activation log framing: the end-of-activation sentinels and, optionally, per-line activation tags.
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
                if (!context || !context.activationId) {
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
