// A store-only ZIP writer (no compression: label text is small and JPEGs are already compressed),
// enough for exports that any unzip reads. Format: PKWARE APPNOTE 6.3, sections 4.3.7 (local file
// header), 4.3.12 (central directory) and 4.3.16 (end of central directory); no ZIP64.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as ZIP and PNG use it). `crc32(Buffer.from('123456789')) === 0xcbf43926`. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** MS-DOS time and date fields of a local time. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

export interface ZipEntry {
  /** Path inside the archive with forward slashes, e.g. `labels/000001.txt`. */
  readonly name: string;
  readonly data: Uint8Array | string;
}

const MAX_ENTRIES = 0xffff;
const MAX_BYTES = 0xffffffff;

/** Local file header and central directory record of one stored entry at `offset`. */
function records(entry: ZipEntry, offset: number, time: number, date: number): { local: Buffer; name: Buffer; data: Uint8Array; central: Buffer } {
  if (!entry.name || entry.name.startsWith('/') || entry.name.split('/').includes('..')) throw new RangeError(`bad ZIP entry name "${entry.name}"`);
  const name = Buffer.from(entry.name, 'utf8');
  const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed: 1.0 (stored)
  local.writeUInt16LE(0x0800, 6); // bit 11: names are UTF-8
  local.writeUInt16LE(0, 8); // method 0: stored
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(0x031e, 4); // made by: Unix, spec 3.0
  header.writeUInt16LE(10, 6);
  header.writeUInt16LE(0x0800, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(crc, 16);
  header.writeUInt32LE(data.length, 20);
  header.writeUInt32LE(data.length, 24);
  header.writeUInt16LE(name.length, 28);
  // extra, comment, disk, internal attributes stay 0; external: -rw-r--r-- regular file.
  header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  header.writeUInt32LE(offset, 42);
  return { local, name, data, central: Buffer.concat([header, name]) };
}

function endRecord(count: number, centralSize: number, centralOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return end;
}

/**
 * Writes a ZIP of `entries` as they come, stored uncompressed: each entry's bytes are held only
 * while it is written (one frame image at a time), the central directory (about 60 bytes per entry)
 * until the end. For exports with images of long videos.
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>, modified = new Date()): AsyncGenerator<Buffer> {
  const { time, date } = dosDateTime(modified);
  const central: Buffer[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for await (const entry of entries) {
    if (seen.has(entry.name)) throw new RangeError(`ZIP entry "${entry.name}" appears twice`);
    seen.add(entry.name);
    if (seen.size > MAX_ENTRIES) throw new RangeError(`a ZIP without ZIP64 holds at most ${MAX_ENTRIES} files; export a shorter frame range`);
    const r = records(entry, offset, time, date);
    offset += 30 + r.name.length + r.data.length;
    if (offset > MAX_BYTES) throw new RangeError('the ZIP would pass 4 GiB, which needs ZIP64; export a shorter frame range');
    central.push(r.central);
    yield Buffer.concat([r.local, r.name, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)]);
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  yield Buffer.concat([...central, endRecord(central.length, size, offset)]);
}

/** Builds a ZIP archive of `entries`, stored uncompressed, names in UTF-8. */
export function zipStore(entries: readonly ZipEntry[], modified = new Date()): Buffer {
  if (entries.length > MAX_ENTRIES) throw new RangeError(`a ZIP without ZIP64 holds at most ${MAX_ENTRIES} files, got ${entries.length}; export a shorter frame range`);
  const { time, date } = dosDateTime(modified);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new RangeError(`ZIP entry "${entry.name}" appears twice`);
    seen.add(entry.name);
    const r = records(entry, offset, time, date);
    parts.push(r.local, r.name, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
    central.push(r.central);
    offset += 30 + r.name.length + r.data.length;
    if (offset > MAX_BYTES) throw new RangeError('the ZIP would pass 4 GiB, which needs ZIP64; export a shorter frame range');
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([...parts, ...central, endRecord(entries.length, centralSize, offset)]);
}
