import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipStream, type ZipEntry } from './zip-stream.ts';
import { readZip } from '../testing/zip-reader.ts';

const entries = [
  { name: 'classes.txt', data: 'person\ncar\n' },
  { name: 'labels/000001.txt', data: '0 0.5 0.5 0.25 0.5\n1 0.1 0.2 0.05 0.1\n' },
  { name: 'labels/000002.txt', data: '' },
  { name: 'données/ü.txt', data: 'utf-8 names' },
  { name: 'bin/random.bin', data: Uint8Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24) },
];
const bytesOf = (e: { data: string | Uint8Array }) => (typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data));

test('the streamed ZIP parses back to the same files, in order', async () => {
  const back = readZip(await buffer(zipStream(entries)));
  assert.deepEqual([...back.keys()], entries.map((e) => e.name));
  for (const e of entries) assert.deepEqual(back.get(e.name), bytesOf(e));
});

test('files on disk are read into the archive (frame images by path)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hawk-zip-'));
  try {
    const jpeg = Buffer.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]);
    writeFileSync(join(dir, '000001.jpg'), jpeg);
    const zip = await buffer(zipStream([{ name: 'annotations.json', data: '{"images":[]}' }, { name: 'images/000001.jpg', path: join(dir, '000001.jpg') }]));
    assert.deepEqual(readZip(zip).get('images/000001.jpg'), jpeg);
    // A file that is gone fails the stream instead of ending a ZIP that looks whole.
    await assert.rejects(buffer(zipStream([{ name: 'images/000002.jpg', path: join(dir, 'missing.jpg') }])), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the system unzip accepts the archive and extracts the same bytes', async (t) => {
  if (spawnSync('unzip', ['-v']).status !== 0) return t.skip('no unzip on this machine (apt-get install unzip)');
  const dir = mkdtempSync(join(tmpdir(), 'hawk-zip-'));
  try {
    writeFileSync(join(dir, 'a.zip'), await buffer(zipStream(entries)));
    const tested = execFileSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' });
    assert.match(tested, /No errors detected/);
    execFileSync('unzip', ['-q', join(dir, 'a.zip'), '-d', join(dir, 'out')]);
    for (const e of entries) assert.deepEqual(readFileSync(join(dir, 'out', e.name)), bytesOf(e));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad names are refused', () => {
  for (const name of ['', '/etc/passwd', 'a/../../b']) assert.throws(() => zipStream([{ name, data: 'x' }]), /bad ZIP entry name/);
  const twice: ZipEntry[] = [{ name: 'a', data: '1' }, { name: 'a', data: '2' }];
  assert.throws(() => zipStream(twice), /appears twice/);
});
