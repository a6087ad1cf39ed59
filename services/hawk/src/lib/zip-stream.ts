import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import yazl from 'yazl';

/** One file of a ZIP: bytes in hand (labels, JSON), or a file on disk read only when its turn comes (frame images). */
export type ZipEntry = { readonly name: string; readonly data: Uint8Array | string } | { readonly name: string; readonly path: string };

/**
 * A ZIP of `entries` as a stream (yazl), stored uncompressed: label text is small and JPEGs are
 * already compressed. Files on disk are opened one at a time as the client reads, so an export
 * with every frame's image holds only the entry list in memory; ZIP64 is written when an archive
 * passes 4 GiB or 65,535 files.
 * @example reply.type('application/zip').send(zipStream([{ name: 'classes.txt', data: 'person\n' }]))
 */
export function zipStream(entries: Iterable<ZipEntry>, modified = new Date()): Readable {
  const zip = new yazl.ZipFile();
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.name || entry.name.startsWith('/') || entry.name.split('/').includes('..')) throw new RangeError(`bad ZIP entry name "${entry.name}"`);
    if (seen.has(entry.name)) throw new RangeError(`ZIP entry "${entry.name}" appears twice`);
    seen.add(entry.name);
    const options = { compress: false, mtime: modified, mode: 0o100644 };
    if ('path' in entry) {
      const path = entry.path;
      // Opened when its turn comes; 1 MiB reads (a frame in one or two chunks, not 64 KiB pieces).
      zip.addReadStreamLazy(entry.name, options, (done) => {
        const file = createReadStream(path, { highWaterMark: 1 << 20 });
        file.on('error', (err) => zip.emit('error', err));
        done(null, file);
      });
    }
    else zip.addBuffer(typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), entry.name, options);
  }
  const out = zip.outputStream as Readable;
  // A frame file that vanished mid-export ends the download with an error, not a truncated ZIP that looks whole.
  zip.on('error', (err: Error) => out.destroy(err));
  zip.end();
  return out;
}
