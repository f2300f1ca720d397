'use strict';
/**
 * Extracts a zipped (or tarred, optionally gzipped) action into a directory.
 *
 * The proxy has no npm dependencies and the image has no `unzip` binary, so this is a small reader
 * built on zlib only. It understands what real tools produce for action archives: stored and
 * deflated ZIP entries (with or without data descriptors, ZIP64 sizes), ustar/pax/GNU tar with
 * regular files, directories, symlinks and hard links.
 *
 * Safety rules, because the archive is user input:
 * - an entry whose path is absolute or climbs out with `..` rejects the whole archive;
 * - symlinks are created only after every regular file is written (so no later entry can be
 *   written through a link) and only when the link target stays inside the extraction root;
 * - each deflated entry may not inflate past its declared size, so a lying header cannot
 *   exhaust memory.
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ZIP_LOCAL_HEADER = 0x04034b50;
const ZIP_CENTRAL_HEADER = 0x02014b50;
const ZIP_END_OF_CENTRAL_DIR = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIR = 0x06064b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_EXTRA_FIELD_ID = 0x0001;
const ZIP_EOCD_MIN_BYTES = 22;
const ZIP_MAX_COMMENT_BYTES = 0xffff;
const ZIP_METHOD_STORED = 0;
const ZIP_METHOD_DEFLATED = 8;
const ZIP_FLAG_ENCRYPTED = 0x0001;
const ZIP_HOST_UNIX = 3;

const TAR_BLOCK_BYTES = 512;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const DEFAULT_FILE_MODE = 0o644;
const DEFAULT_DIR_MODE = 0o755;

class ArchiveError extends Error {}

/** Which container format the bytes are, by magic number; null when none is recognised. */
function detectFormat(bytes) {
    if (bytes.length >= 4 && bytes.readUInt32LE(0) === ZIP_LOCAL_HEADER) {
        return 'zip';
    }
    if (bytes.length >= 4 && bytes.readUInt32LE(0) === ZIP_END_OF_CENTRAL_DIR) {
        return 'zip'; // an empty zip is only an end record
    }
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
        return 'tar.gz';
    }
    if (bytes.length >= 262 && bytes.toString('latin1', 257, 262) === 'ustar') {
        return 'tar';
    }
    return null;
}

/**
 * Extracts `bytes` into the existing directory `root`.
 * Throws ArchiveError with a user-facing message when the archive is unsupported or unsafe.
 */
function extractArchive(bytes, root) {
    const format = detectFormat(bytes);
    let entries;
    if (format === 'zip') {
        entries = readZipEntries(bytes);
    } else if (format === 'tar.gz') {
        entries = readTarEntries(gunzip(bytes));
    } else if (format === 'tar') {
        entries = readTarEntries(bytes);
    } else {
        throw new ArchiveError('the archive is neither a zip nor a (gzipped) tar file');
    }
    writeEntries(entries, root);
    return format;
}

function gunzip(bytes) {
    try {
        return zlib.gunzipSync(bytes);
    } catch (e) {
        throw new ArchiveError(`corrupt gzip data: ${e.message}`);
    }
}

// ---------------------------------------------------------------- zip

/** Reads every entry named by the central directory; data comes back already decompressed. */
function readZipEntries(buf) {
    const end = readZipEnd(buf);
    const entries = [];
    let pos = end.centralOffset;
    for (let i = 0; i < end.entryCount; i++) {
        requireBytes(buf, pos, 46, 'central directory');
        if (buf.readUInt32LE(pos) !== ZIP_CENTRAL_HEADER) {
            throw new ArchiveError('corrupt zip: bad central directory header');
        }
        const header = readCentralHeader(buf, pos);
        entries.push(zipEntry(buf, header));
        pos = header.next;
    }
    return entries;
}

/** Finds the end-of-central-directory record, following the ZIP64 locator when present. */
function readZipEnd(buf) {
    const stop = Math.max(0, buf.length - ZIP_EOCD_MIN_BYTES - ZIP_MAX_COMMENT_BYTES);
    for (let pos = buf.length - ZIP_EOCD_MIN_BYTES; pos >= stop; pos--) {
        if (buf.readUInt32LE(pos) !== ZIP_END_OF_CENTRAL_DIR) {
            continue;
        }
        let entryCount = buf.readUInt16LE(pos + 10);
        let centralOffset = buf.readUInt32LE(pos + 16);
        const locator = pos - 20;
        if (locator >= 0 && buf.readUInt32LE(locator) === ZIP64_END_LOCATOR) {
            const zip64End = Number(buf.readBigUInt64LE(locator + 8));
            requireBytes(buf, zip64End, 56, 'zip64 end record');
            if (buf.readUInt32LE(zip64End) !== ZIP64_END_OF_CENTRAL_DIR) {
                throw new ArchiveError('corrupt zip: bad zip64 end record');
            }
            entryCount = Number(buf.readBigUInt64LE(zip64End + 32));
            centralOffset = Number(buf.readBigUInt64LE(zip64End + 48));
        }
        return { entryCount, centralOffset };
    }
    throw new ArchiveError('corrupt zip: end of central directory not found');
}

function readCentralHeader(buf, pos) {
    const nameLength = buf.readUInt16LE(pos + 28);
    const extraLength = buf.readUInt16LE(pos + 30);
    const commentLength = buf.readUInt16LE(pos + 32);
    requireBytes(buf, pos + 46, nameLength + extraLength, 'central directory');
    const header = {
        madeByHost: buf[pos + 5],
        flags: buf.readUInt16LE(pos + 8),
        method: buf.readUInt16LE(pos + 10),
        crc32: buf.readUInt32LE(pos + 16),
        compressedSize: buf.readUInt32LE(pos + 20),
        size: buf.readUInt32LE(pos + 24),
        externalAttributes: buf.readUInt32LE(pos + 38),
        localOffset: buf.readUInt32LE(pos + 42),
        name: buf.toString('utf8', pos + 46, pos + 46 + nameLength),
        next: pos + 46 + nameLength + extraLength + commentLength,
    };
    applyZip64Extra(header, buf.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength));
    return header;
}

/** A field saturated at 0xFFFFFFFF holds its real value in the ZIP64 extra field, in this order. */
function applyZip64Extra(header, extra) {
    let pos = 0;
    while (pos + 4 <= extra.length) {
        const id = extra.readUInt16LE(pos);
        const length = extra.readUInt16LE(pos + 2);
        if (id === ZIP64_EXTRA_FIELD_ID) {
            let field = pos + 4;
            for (const key of ['size', 'compressedSize', 'localOffset']) {
                if (header[key] === 0xffffffff && field + 8 <= pos + 4 + length) {
                    header[key] = Number(extra.readBigUInt64LE(field));
                    field += 8;
                }
            }
            return;
        }
        pos += 4 + length;
    }
}

function zipEntry(buf, header) {
    const mode = header.madeByHost === ZIP_HOST_UNIX ? header.externalAttributes >>> 16 : 0;
    const isDirectory = header.name.endsWith('/') || (mode & S_IFMT) === S_IFDIR;
    if (isDirectory) {
        return { name: header.name, type: 'directory', mode: mode & 0o777 };
    }
    if (header.flags & ZIP_FLAG_ENCRYPTED) {
        throw new ArchiveError(`encrypted zip entries are not supported: ${header.name}`);
    }
    const data = inflateZipData(buf, header);
    if ((mode & S_IFMT) === S_IFLNK) {
        return { name: header.name, type: 'symlink', target: data.toString('utf8') };
    }
    return { name: header.name, type: 'file', mode: mode & 0o777, data };
}

function inflateZipData(buf, header) {
    const local = header.localOffset;
    requireBytes(buf, local, 30, 'local header');
    if (buf.readUInt32LE(local) !== ZIP_LOCAL_HEADER) {
        throw new ArchiveError(`corrupt zip: bad local header for ${header.name}`);
    }
    // The local header's own name/extra lengths can differ from the central ones.
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    requireBytes(buf, start, header.compressedSize, header.name);
    const raw = buf.subarray(start, start + header.compressedSize);
    let data;
    if (header.method === ZIP_METHOD_STORED) {
        data = raw;
    } else if (header.method === ZIP_METHOD_DEFLATED) {
        data = inflateRaw(raw, header);
    } else {
        throw new ArchiveError(`unsupported zip compression method ${header.method} for ${header.name}`);
    }
    if (data.length !== header.size) {
        throw new ArchiveError(`corrupt zip: ${header.name} has ${data.length} bytes, expected ${header.size}`);
    }
    if (typeof zlib.crc32 === 'function' && zlib.crc32(data) !== header.crc32) {
        throw new ArchiveError(`corrupt zip: checksum mismatch for ${header.name}`);
    }
    return data;
}

function inflateRaw(raw, header) {
    try {
        // maxOutputLength must be >= 1; the exact-size check afterwards catches short output.
        return zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, header.size) });
    } catch (e) {
        throw new ArchiveError(`corrupt zip: cannot inflate ${header.name}: ${e.message}`);
    }
}

function requireBytes(buf, pos, length, what) {
    if (pos < 0 || pos + length > buf.length) {
        throw new ArchiveError(`corrupt archive: ${what} is truncated`);
    }
}

// ---------------------------------------------------------------- tar

/** Reads ustar entries, honouring pax `path`/`linkpath` records and GNU long names. */
function readTarEntries(buf) {
    const entries = [];
    let pending = {}; // overrides from a pax or GNU header for the next entry
    let pos = 0;
    while (pos + TAR_BLOCK_BYTES <= buf.length) {
        const block = buf.subarray(pos, pos + TAR_BLOCK_BYTES);
        if (block.every((b) => b === 0)) {
            break; // end-of-archive marker
        }
        const header = readTarHeader(block);
        const dataStart = pos + TAR_BLOCK_BYTES;
        requireBytes(buf, dataStart, header.size, header.name);
        const data = buf.subarray(dataStart, dataStart + header.size);
        pos = dataStart + Math.ceil(header.size / TAR_BLOCK_BYTES) * TAR_BLOCK_BYTES;

        if (header.type === 'x') {
            pending = { ...pending, ...parsePax(data) };
            continue;
        }
        if (header.type === 'L') {
            pending.path = cString(data);
            continue;
        }
        if (header.type === 'K') {
            pending.linkpath = cString(data);
            continue;
        }
        const name = pending.path || header.name;
        const linkName = pending.linkpath || header.linkName;
        pending = {};
        const entry = tarEntry(header, name, linkName, data);
        if (entry) {
            entries.push(entry);
        }
    }
    return entries;
}

function readTarHeader(block) {
    const name = cString(block.subarray(0, 100));
    const prefix = block.toString('latin1', 257, 262) === 'ustar' ? cString(block.subarray(345, 500)) : '';
    return {
        name: prefix ? `${prefix}/${name}` : name,
        mode: parseOctal(block.subarray(100, 108)),
        size: parseOctal(block.subarray(124, 136)),
        type: String.fromCharCode(block[156] || 0x30),
        linkName: cString(block.subarray(157, 257)),
    };
}

/** Maps one tar header to an entry; returns null for kinds an action never needs (devices, fifos). */
function tarEntry(header, name, linkName, data) {
    switch (header.type) {
        case '0':
        case '7':
            return { name, type: 'file', mode: header.mode & 0o777, data };
        case '5':
            return { name, type: 'directory', mode: header.mode & 0o777 };
        case '2':
            return { name, type: 'symlink', target: linkName };
        case '1':
            return { name, type: 'hardlink', target: linkName };
        default:
            return null;
    }
}

function parsePax(data) {
    // Records are "<length> <key>=<value>\n", where length counts the whole record in bytes.
    const result = {};
    let pos = 0;
    while (pos < data.length) {
        const space = data.indexOf(0x20, pos);
        if (space < 0) {
            break;
        }
        const length = parseInt(data.toString('latin1', pos, space), 10);
        if (!(length > 0)) {
            break;
        }
        const record = data.toString('utf8', space + 1, pos + length - 1);
        const eq = record.indexOf('=');
        if (eq > 0) {
            result[record.slice(0, eq)] = record.slice(eq + 1);
        }
        pos += length;
    }
    return result;
}

function parseOctal(field) {
    if (field[0] & 0x80) {
        throw new ArchiveError('tar entries over 8 GB are not supported');
    }
    const text = cString(field).trim();
    return text ? parseInt(text, 8) : 0;
}

function cString(bytes) {
    const nul = bytes.indexOf(0);
    return bytes.toString('utf8', 0, nul < 0 ? bytes.length : nul);
}

// ---------------------------------------------------------------- writing

/** Writes directories and files first, then hard links, then symlinks (see the module comment). */
function writeEntries(entries, root) {
    // realpath so that the parent checks in createSafeSymlink compare like with like.
    const resolvedRoot = fs.realpathSync(root);
    const links = [];
    for (const entry of entries) {
        const target = safePath(resolvedRoot, entry.name);
        if (target === resolvedRoot) {
            continue; // "./" entries
        }
        if (entry.type === 'directory') {
            fs.mkdirSync(target, { recursive: true, mode: DEFAULT_DIR_MODE });
        } else if (entry.type === 'file') {
            fs.mkdirSync(path.dirname(target), { recursive: true, mode: DEFAULT_DIR_MODE });
            // Owner must keep read/write so the proxy (running as nobody) can load the file.
            fs.writeFileSync(target, entry.data, { mode: (entry.mode || DEFAULT_FILE_MODE) | 0o600 });
        } else {
            links.push({ ...entry, path: target });
        }
    }
    for (const link of links.filter((l) => l.type === 'hardlink')) {
        fs.mkdirSync(path.dirname(link.path), { recursive: true, mode: DEFAULT_DIR_MODE });
        fs.copyFileSync(safePath(resolvedRoot, link.target), link.path);
    }
    for (const link of links.filter((l) => l.type === 'symlink')) {
        createSafeSymlink(resolvedRoot, link);
    }
}

function createSafeSymlink(root, link) {
    if (path.isAbsolute(link.target)) {
        throw new ArchiveError(`symlink ${link.name} points outside the archive: ${link.target}`);
    }
    const resolved = path.resolve(path.dirname(link.path), link.target);
    if (!isInside(root, resolved)) {
        throw new ArchiveError(`symlink ${link.name} points outside the archive: ${link.target}`);
    }
    const parent = path.dirname(link.path);
    fs.mkdirSync(parent, { recursive: true, mode: DEFAULT_DIR_MODE });
    // A parent that is itself a link (made by an earlier entry) would make the lexical check above
    // meaningless, e.g. `a -> .` then `a/b -> ../x` lands outside the root.
    if (fs.realpathSync(parent) !== parent) {
        throw new ArchiveError(`symlink ${link.name} is nested inside another symlink`);
    }
    fs.symlinkSync(link.target, link.path);
}

/** Resolves an entry name under root, rejecting absolute names and `..` escapes. */
function safePath(root, name) {
    const normalised = name.replace(/\\/g, '/');
    if (normalised.includes('\0') || normalised.startsWith('/') || /^[A-Za-z]:/.test(normalised)) {
        throw new ArchiveError(`unsafe path in archive: ${name}`);
    }
    if (normalised.split('/').includes('..')) {
        throw new ArchiveError(`unsafe path in archive: ${name}`);
    }
    const resolved = path.resolve(root, normalised);
    if (!isInside(root, resolved)) {
        throw new ArchiveError(`unsafe path in archive: ${name}`);
    }
    return resolved;
}

function isInside(root, candidate) {
    return candidate === root || candidate.startsWith(root + path.sep);
}

module.exports = { extractArchive, detectFormat, ArchiveError };
