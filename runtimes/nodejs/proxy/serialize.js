'use strict';
/**
 * Makes a rejection reason JSON-safe, as OpenWhisk's runtime does with `serialize-error`:
 * an Error becomes a plain `{name, message, stack, ...own fields}` object, other values are
 * copied with cycles, functions and BigInts replaced by strings. The result always survives
 * JSON.stringify, so an application error can always be reported.
 */

const MAX_DEPTH = 32; // deeper structures are cut; a reason this deep is a bug, not data

function serializeError(reason) {
    if (!reason) {
        return {}; // reject() / reject(null): OpenWhisk reports an empty error object
    }
    return toJsonSafe(reason, [], 0);
}

function toJsonSafe(value, ancestors, depth) {
    switch (typeof value) {
        case 'string':
        case 'boolean':
            return value;
        case 'number':
            return Number.isFinite(value) ? value : String(value);
        case 'bigint':
            return value.toString();
        case 'function':
            return `[Function: ${value.name || 'anonymous'}]`;
        case 'symbol':
            return value.toString();
        case 'undefined':
            return undefined;
        default:
            return objectToJsonSafe(value, ancestors, depth);
    }
}

function objectToJsonSafe(value, ancestors, depth) {
    if (value === null) {
        return null;
    }
    if (ancestors.includes(value)) {
        return '[Circular]';
    }
    if (depth >= MAX_DEPTH) {
        return '[Object]';
    }
    if (Buffer.isBuffer(value)) {
        return '[object Buffer]';
    }
    if (!(value instanceof Error) && typeof value.toJSON === 'function') {
        return toJsonSafe(value.toJSON(), ancestors, depth + 1);
    }
    const path = ancestors.concat([value]);
    if (Array.isArray(value)) {
        return value.map((item) => {
            const safe = toJsonSafe(item, path, depth + 1);
            return safe === undefined ? null : safe;
        });
    }
    const result = {};
    if (value instanceof Error) {
        // name, message and stack are not own enumerable properties, so copy them explicitly.
        for (const key of ['name', 'message', 'stack']) {
            if (typeof value[key] === 'string') {
                result[key] = value[key];
            }
        }
    }
    for (const key of Object.keys(value)) {
        const safe = toJsonSafe(value[key], path, depth + 1);
        if (safe !== undefined) {
            result[key] = safe;
        }
    }
    return result;
}

module.exports = { serializeError };
