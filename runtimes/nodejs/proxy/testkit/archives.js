'use strict';
/**
 * Test support: writes small ZIP and tar(.gz) archives in memory, so archive tests need no
 * external tool. Entries: {name, content (string|Buffer)} for files, {name, directory: true},
 * {name, symlink: target}; `mode` sets unix permissions. Not a general archiver: `zip64` only
 * forces the ZIP64 records a large archive would need, so small tests can cover that path.
 */
const zlib = require('zlib');

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const ZIP_HOST_UNIX = 3;
const ZIP_VERSION = 20;
const DOS_EPOCH_DATE = (1 << 5) | 1; // 1980-01-01: fixed so archives are byte-for-byte stable

/**
 * Builds a zip; method 'deflate' (default) or 'store' applies to every file entry. With zip64,
 * central headers carry their sizes and offsets in a ZIP64 extra field and the archive ends with
 * ZIP64 end records, as tools write for archives over 4 GB.
 */
function buildZip(entries, { method = 'deflate', zip64 = false } = {}) {
    const locals = [];
    const centrals = [];
    let offset = 0;
    for (const entry of entries) {
        const item = zipItem(entry, method);
        const local = localHeader(item);
        centrals.push(centralHeader(item, offset, zip64));
        locals.push(local, item.compressed);
        offset += local.length + item.compressed.length;
    }
    const central = Buffer.concat(centrals);
    const tail = zip64 ? [zip64EndRecords(entries.length, central.length, offset)] : [];
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
    end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
    end.writeUInt32LE(central.length, 12);
    end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
    return Buffer.concat([...locals, central, ...tail, end]);
}

/** The ZIP64 end of central directory record and its locator. */
function zip64EndRecords(entryCount, centralLength, centralOffset) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE((ZIP_HOST_UNIX << 8) | 45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entryCount), 24);
    record.writeBigUInt64LE(BigInt(entryCount), 32);
    record.writeBigUInt64LE(BigInt(centralLength), 40);
    record.writeBigUInt64LE(BigInt(centralOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(centralOffset + centralLength), 8);
    locator.writeUInt32LE(1, 16);
    return Buffer.concat([record, locator]);
}

function zipItem(entry, method) {
    const name = Buffer.from(entry.directory && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name, 'utf8');
    let data = Buffer.alloc(0);
    let type = S_IFREG;
    if (entry.directory) {
        type = S_IFDIR;
    } else if (entry.symlink !== undefined) {
        type = S_IFLNK;
        data = Buffer.from(entry.symlink, 'utf8');
    } else {
        data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content || '', 'utf8');
    }
    const deflate = method === 'deflate' && type === S_IFREG;
    return {
        name,
        methodId: deflate ? 8 : 0,
        crc: zlib.crc32(data),
        size: data.length,
        compressed: deflate ? zlib.deflateRawSync(data) : data,
        attributes: ((type | (entry.mode || (entry.directory ? 0o755 : 0o644))) << 16) >>> 0,
    };
}

function localHeader(item) {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(ZIP_VERSION, 4);
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(item.methodId, 8);
    header.writeUInt16LE(DOS_EPOCH_DATE, 12);
    header.writeUInt32LE(item.crc, 14);
    header.writeUInt32LE(item.compressed.length, 18);
    header.writeUInt32LE(item.size, 22);
    header.writeUInt16LE(item.name.length, 26);
    return Buffer.concat([header, item.name]);
}

function centralHeader(item, offset, zip64) {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((ZIP_HOST_UNIX << 8) | ZIP_VERSION, 4);
    header.writeUInt16LE(ZIP_VERSION, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(item.methodId, 10);
    header.writeUInt16LE(DOS_EPOCH_DATE, 14);
    header.writeUInt32LE(item.crc, 16);
    header.writeUInt32LE(zip64 ? 0xffffffff : item.compressed.length, 20);
    header.writeUInt32LE(zip64 ? 0xffffffff : item.size, 24);
    header.writeUInt16LE(item.name.length, 28);
    header.writeUInt32LE(item.attributes, 38);
    header.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    if (!zip64) {
        return Buffer.concat([header, item.name]);
    }
    // The extra field lists the saturated values in this fixed order: size, compressed, offset.
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(item.size), 4);
    extra.writeBigUInt64LE(BigInt(item.compressed.length), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
    header.writeUInt16LE(extra.length, 30);
    return Buffer.concat([header, item.name, extra]);
}

/** Builds a ustar archive; names over 100 bytes get a pax header. */
function buildTar(entries) {
    const blocks = [];
    for (const entry of entries) {
        const data = entry.directory || entry.symlink !== undefined ? Buffer.alloc(0)
            : (Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content || '', 'utf8'));
        if (Buffer.byteLength(entry.name) > 100) {
            const record = paxRecord('path', entry.name);
            blocks.push(tarHeader({ name: 'PaxHeader', type: 'x', size: record.length }), pad(record));
        }
        const type = entry.directory ? '5' : entry.symlink !== undefined ? '2' : '0';
        blocks.push(tarHeader({
            name: entry.name.slice(0, 100),
            type,
            size: data.length,
            mode: entry.mode || (entry.directory ? 0o755 : 0o644),
            linkName: entry.symlink || '',
        }), pad(data));
    }
    blocks.push(Buffer.alloc(1024)); // two zero blocks end the archive
    return Buffer.concat(blocks);
}

function buildTarGz(entries) {
    return zlib.gzipSync(buildTar(entries));
}

function tarHeader({ name, type, size, mode = 0o644, linkName = '' }) {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write(octal(mode, 8), 100);
    header.write(octal(0, 8), 108);
    header.write(octal(0, 8), 116);
    header.write(octal(size, 12), 124);
    header.write(octal(0, 12), 136);
    header.write(' '.repeat(8), 148); // checksum is computed with this field as spaces
    header.write(type, 156);
    header.write(linkName, 157, 100, 'utf8');
    header.write('ustar\u000000', 257);
    let sum = 0;
    for (const byte of header) {
        sum += byte;
    }
    header.write(octal(sum, 7) + ' ', 148);
    return header;
}

function paxRecord(key, value) {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) {
        length = String(length).length + Buffer.byteLength(body);
    }
    return Buffer.from(`${length}${body}`, 'utf8');
}

function octal(value, width) {
    return value.toString(8).padStart(width - 1, '0') + '\0';
}

function pad(data) {
    const rest = data.length % 512;
    return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

module.exports = { buildZip, buildTar, buildTarGz };
