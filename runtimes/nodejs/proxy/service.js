'use strict';
/**
 * The action lifecycle behind `/init` and `/run`, answering exactly as OpenWhisk's Node.js runtime
 * (SPEC §8): statuses, status codes and error texts are the ones the invoker classifies.
 *
 * Status flow (OpenWhisk's names, since they appear in error texts):
 *   ready --init--> starting --ok--> ready --run--> running --done--> ready
 *                            --fail--> stopped        --threw--> stopped
 * `stopped` is final: after a failed init or an action that threw, the invoker discards the
 * container, and the proxy refuses further runs so a broken action never answers twice.
 * With `allowConcurrent` the status stays `ready` while runs overlap.
 *
 * Every method resolves to `{statusCode, body}` where body is the JSON text to send, plus `logs`
 * ({lines, truncated}) when the caller asked for the activation's logs in-band with a log limit in
 * bytes; nothing here touches HTTP. Without that limit the logs go to the container's streams and
 * end with the sentinels, as OpenWhisk's runtimes do.
 */
const { loadAction, ActionLoadError } = require('./loader');
const { serializeError } = require('./serialize');

const Status = Object.freeze({
    READY: 'ready',
    STARTING: 'starting',
    RUNNING: 'running',
    STOPPED: 'stopped',
});

const MESSAGES = Object.freeze({
    missingCode: 'Missing main/no code to execute.',
    reinit: 'Cannot initialize the action more than once.',
    initFailed: 'Initialization has failed due to: ',
    notInitialized: 'System not initialized.',
    notReady: (status) => `System not ready, status is ${status}.`,
    runFailed: 'An error has occurred: ',
    notDictionary: 'The action did not return a dictionary.',
});

class ActionService {
    /**
     * @param {{allowConcurrent: boolean, logs: import('./logs').ActivationLogs, env?: object}} options
     *        env is the environment the action sees (process.env in production).
     */
    constructor({ allowConcurrent, logs, env = process.env }) {
        this.allowConcurrent = allowConcurrent;
        this.logs = logs;
        this.env = env;
        this.status = Status.READY;
        this.entry = undefined; // the action's main, once init succeeded
        this.initAttempted = false;
        this.inFlight = new Set(); // contexts of runs that have not answered yet
    }

    /** Handles the parsed `/init` body; with `logLimitBytes` its logs come back in-band. */
    async init(body, logLimitBytes) {
        if (this.initAttempted) {
            return this.refuse(MESSAGES.reinit);
        }
        const value = body && typeof body.value === 'object' && body.value !== null ? body.value : {};
        if (typeof value.code !== 'string' || value.code.length === 0 ||
            (value.main !== undefined && typeof value.main !== 'string')) {
            return this.refuse(MESSAGES.missingCode);
        }
        this.initAttempted = true;
        this.status = Status.STARTING;
        this.exportInitEnv(value.env);
        // Top-level code of the action logs on behalf of the activation that triggered the init.
        const context = { activationId: stringOrEmpty(value.env && value.env.__OW_ACTIVATION_ID) };
        if (logLimitBytes !== undefined) {
            this.logs.startCapture(context, logLimitBytes);
        }
        try {
            this.entry = await this.logs.runInContext(context, () => loadAction(value));
            this.setStatus(Status.READY);
            return this.withLogs(context, reply(200, { OK: true }));
        } catch (error) {
            this.status = Status.STOPPED;
            this.logs.runInContext(context, () => console.error('Error during initialization:', error));
            if (!context.capture) {
                await this.logs.writeSentinels(context.activationId);
            }
            return this.withLogs(context, reply(502, { error: MESSAGES.initFailed + describeInitError(error) }));
        }
    }

    /** Handles the parsed `/run` body; with `logLimitBytes` its logs come back in-band. */
    async run(body, logLimitBytes) {
        const message = body && typeof body === 'object' ? body : {};
        const activationId = stringOrEmpty(message.activation_id);
        const refusal = this.runRefusal();
        if (refusal) {
            const answer = this.refuse(refusal);
            // While another run owns the log streams a sentinel would cut its logs short.
            if (this.status !== Status.RUNNING) {
                await this.logs.writeSentinels(activationId);
            }
            return answer;
        }
        if (!this.allowConcurrent) {
            this.status = Status.RUNNING;
        }
        this.exportRunEnv(message);
        const context = { activationId, abort: undefined };
        if (logLimitBytes !== undefined) {
            this.logs.startCapture(context, logLimitBytes);
        }
        this.inFlight.add(context);
        try {
            const outcome = await this.invoke(context, message.value == null ? {} : message.value);
            const response = this.toResponse(context, outcome);
            if (!context.capture) {
                await this.logs.writeSentinels(activationId);
            }
            return this.withLogs(context, response);
        } finally {
            this.logs.endCapture(context);
            this.inFlight.delete(context);
            this.setStatus(Status.READY);
        }
    }

    /**
     * Called for an uncaught exception: if it can be pinned on a run still in flight (by async
     * context, or because only one run is in flight), that run fails as if main had thrown;
     * otherwise it is only logged. Returns whether a run took the error.
     */
    onUncaughtError(error) {
        let context = this.logs.currentContext();
        if (!context || !this.inFlight.has(context)) {
            context = this.inFlight.size === 1 ? this.inFlight.values().next().value : undefined;
        }
        if (!context || !context.abort) {
            return false;
        }
        context.abort(error);
        return true;
    }

    // ------------------------------------------------------------ internals

    runRefusal() {
        if (this.entry === undefined) {
            return this.status === Status.STOPPED ? MESSAGES.notReady(this.status) : MESSAGES.notInitialized;
        }
        if (this.status === Status.READY) {
            return undefined;
        }
        return MESSAGES.notReady(this.status);
    }

    /** Calls main in the activation's context; resolves to {kind: returned|rejected|threw, value}. */
    invoke(context, params) {
        return new Promise((settle) => {
            const resolve = (outcome) => {
                context.abort = undefined; // later uncaught errors are no longer this run's
                settle(outcome);
            };
            context.abort = (error) => resolve({ kind: 'threw', value: error });
            let result;
            try {
                result = this.logs.runInContext(context, () => this.entry(params));
            } catch (error) {
                resolve({ kind: 'threw', value: error });
                return;
            }
            if (result === null || (typeof result !== 'object' && typeof result !== 'function') ||
                typeof result.then !== 'function') {
                resolve({ kind: 'returned', value: result });
                return;
            }
            Promise.resolve(result).then(
                (value) => resolve({ kind: 'returned', value }),
                (reason) => resolve({ kind: 'rejected', value: reason }));
        });
    }

    /** Maps an outcome to the answer of SPEC §8.2, logging what OpenWhisk logs. */
    toResponse(context, outcome) {
        const log = (...args) => this.logs.runInContext(context, () => console.error(...args));
        if (outcome.kind === 'threw') {
            log(outcome.value);
            this.status = Status.STOPPED;
            return reply(502, { error: MESSAGES.runFailed + safeString(outcome.value) });
        }
        if (outcome.kind === 'rejected') {
            return reply(200, { error: serializeReason(outcome.value) });
        }
        const result = outcome.value == null ? {} : outcome.value;
        if (typeof result !== 'object') {
            log(`Result must be of type object but has type "${typeof result}":`, result);
            return reply(502, { error: MESSAGES.notDictionary });
        }
        try {
            return { statusCode: 200, body: JSON.stringify(result) };
        } catch (error) {
            log('The action result cannot be serialized to JSON:', error);
            return reply(502, { error: MESSAGES.runFailed + safeString(error) });
        }
    }

    /** Adds the captured logs of `context` to `answer`, ending the capture; answers of uncaptured runs as they are. */
    withLogs(context, answer) {
        if (context.capture) {
            answer.logs = this.logs.endCapture(context);
        }
        return answer;
    }

    refuse(message) {
        console.error('Internal system error:', message);
        return reply(403, { error: message });
    }

    setStatus(status) {
        if (this.status !== Status.STOPPED) {
            this.status = status;
        }
    }

    /** Init `env` becomes process environment; non-strings are JSON text, as OpenWhisk does. */
    exportInitEnv(env) {
        if (!env || typeof env !== 'object') {
            return;
        }
        for (const [key, value] of Object.entries(env)) {
            if (value === null || value === undefined) {
                this.env[key] = '';
            } else {
                this.env[key] = typeof value === 'string' ? value : JSON.stringify(value);
            }
        }
    }

    /** Every top-level string of the run body but `value` becomes `__OW_<KEY>`. */
    exportRunEnv(message) {
        for (const [key, value] of Object.entries(message)) {
            if (key !== 'value' && typeof value === 'string') {
                this.env[`__OW_${key.toUpperCase()}`] = value;
            }
        }
    }
}

function reply(statusCode, object) {
    return { statusCode, body: JSON.stringify(object) };
}

/** Payload problems read best as a sentence; errors from the action's own code keep their stack. */
function describeInitError(error) {
    if (error instanceof ActionLoadError) {
        return error.message;
    }
    return error && error.stack ? String(error.stack) : safeString(error);
}

function serializeReason(reason) {
    try {
        return serializeError(reason);
    } catch (e) {
        return safeString(reason); // a getter or toJSON threw while copying the reason
    }
}

function safeString(value) {
    try {
        return String(value);
    } catch (e) {
        return Object.prototype.toString.call(value);
    }
}

function stringOrEmpty(value) {
    return typeof value === 'string' ? value : '';
}

module.exports = { ActionService, Status, MESSAGES };
