'use strict';
/**
 * Turns the `/init` payload into the action's entry function.
 *
 * Plain code is written to a fresh directory and `require`d, so it is a real CommonJS module:
 * `require` of built-ins works, stack traces name a file, and both styles OpenWhisk accepts work:
 * a top-level `function main(params)` (found by name, as OpenWhisk's eval does) and
 * `exports.main = …` / `module.exports = …`.
 *
 * A binary payload is a base64 zip or (gzipped) tar. It is extracted into a fresh directory that
 * becomes the working directory, and that directory is `require`d, so `package.json#main` or
 * `index.js` is the entry module and its `node_modules` resolve. `main` may be `file.fn` to pick
 * a function from another file of the archive.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { extractArchive, ArchiveError } = require('./archive');

const DEFAULT_MAIN = 'main';
const ENTRY_CALLBACK = Symbol.for('openwhisk.proxy.entry');
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// Words that cannot follow `typeof` as a bare name; a main named like this is a payload error.
const RESERVED_WORDS = new Set(('break case catch class const continue debugger default delete do else enum export ' +
    'extends false finally for function if import in instanceof new null return super switch this throw true try ' +
    'typeof var void while with yield let static await implements package protected interface private public').split(' '));

/** An init failure caused by the payload; its message is shown to the user as is. */
class ActionLoadError extends Error {}

/**
 * Loads the action described by the init `value` and returns its entry function.
 * Rejects with ActionLoadError (payload problems) or whatever the action's own code threw.
 */
async function loadAction({ code, binary, main }) {
    const mainName = typeof main === 'string' && main.length > 0 ? main : DEFAULT_MAIN;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ow-action-'));
    const entry = binary ? await loadArchive(code, mainName, dir) : loadSource(code, mainName, dir);
    if (typeof entry !== 'function') {
        throw new ActionLoadError(`Action entrypoint '${mainName}' is not a function.`);
    }
    return entry;
}

// ---------------------------------------------------------------- plain source

function loadSource(code, mainName, dir) {
    const segments = splitPath(mainName);
    const file = path.join(dir, 'index.js');
    // The appended line runs after the whole module body, inside its scope, so it sees top-level
    // declarations of any kind; `typeof` keeps an undeclared name from throwing.
    const lookup = `\n;globalThis[Symbol.for('openwhisk.proxy.entry')](` +
        `typeof ${segments[0]} === 'undefined' ? undefined : ${segments[0]});\n`;
    fs.writeFileSync(file, code + lookup);

    let declared;
    globalThis[ENTRY_CALLBACK] = (value) => {
        declared = value;
    };
    let moduleExports;
    try {
        moduleExports = require(file);
    } finally {
        delete globalThis[ENTRY_CALLBACK];
    }
    const found = declared !== undefined ? property(declared, segments.slice(1)) : undefined;
    return found !== undefined ? found : fromExports(moduleExports, segments);
}

// ---------------------------------------------------------------- archives

async function loadArchive(code, mainName, dir) {
    if (typeof code !== 'string') {
        throw new ActionLoadError('There was an error uncompressing the action archive: code is not base64 text.');
    }
    try {
        extractArchive(Buffer.from(code, 'base64'), dir);
    } catch (e) {
        if (e instanceof ArchiveError) {
            throw new ActionLoadError(`There was an error uncompressing the action archive: ${e.message}`);
        }
        throw e;
    }
    const { file, functionPath } = splitArchiveMain(mainName);
    if (file === undefined && !fs.existsSync(path.join(dir, 'package.json')) &&
        !fs.existsSync(path.join(dir, 'index.js'))) {
        throw new ActionLoadError('Zipped actions must contain either package.json or index.js at the root.');
    }
    // OpenWhisk runs zipped actions from their own directory, so relative file reads work.
    process.chdir(dir);
    const loaded = await requireOrImport(file === undefined ? dir : path.join(dir, file));
    const segments = splitPath(functionPath);
    return loaded.isEsModule ? fromNamespace(loaded.value, segments) : fromExports(loaded.value, segments);
}

/** `fn` → exports of the archive root; `file.fn` → exports of `file` (as OpenWhisk's runtime). */
function splitArchiveMain(mainName) {
    const dot = mainName.indexOf('.');
    if (dot <= 0 || dot === mainName.length - 1) {
        return { file: undefined, functionPath: mainName };
    }
    return { file: mainName.slice(0, dot), functionPath: mainName.slice(dot + 1) };
}

/** `require`s a module; an ES module (type: module, .mjs) cannot be required, so it is imported. */
async function requireOrImport(modulePath) {
    try {
        return { isEsModule: false, value: require(modulePath) };
    } catch (e) {
        if (e.code !== 'ERR_REQUIRE_ESM') {
            throw e;
        }
        const namespace = await import(pathToFileURL(require.resolve(modulePath)).href);
        return { isEsModule: true, value: namespace };
    }
}

// ---------------------------------------------------------------- lookup

/**
 * Finds the function in a module's exports: `exports[name]`, else the exports object itself when
 * it is a function (`module.exports = function (params) {…}`).
 */
function fromExports(moduleExports, segments) {
    const found = property(moduleExports, segments);
    if (found !== undefined) {
        return found;
    }
    return typeof moduleExports === 'function' ? moduleExports : undefined;
}

/** An ES module: a named export, else the same lookup on its default export. */
function fromNamespace(namespace, segments) {
    const found = property(namespace, segments);
    return found !== undefined ? found : fromExports(namespace.default, segments);
}

function property(value, segments) {
    let current = value;
    for (const segment of segments) {
        if (current === undefined || current === null) {
            return undefined;
        }
        current = current[segment];
    }
    return current;
}

/** Splits `a.b.c` into identifiers; the name is spliced into code, so anything else is rejected. */
function splitPath(mainName) {
    const segments = mainName.split('.');
    for (const segment of segments) {
        if (!IDENTIFIER.test(segment) || RESERVED_WORDS.has(segment)) {
            throw new ActionLoadError(`Name of main function is not valid: '${mainName}'.`);
        }
    }
    return segments;
}

module.exports = { loadAction, ActionLoadError };
