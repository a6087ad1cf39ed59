import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, zipStore, zipStream } from './zip-writer.ts';
import { readZip } from '../testing/zip-reader.ts';

test('crc32 matches the standard check values', () => {
  const cases: [string | Uint8Array, number][] = [
    ['', 0],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
    [new Uint8Array(1000).fill(0xff), crc32(new Uint8Array(1000).fill(0xff))],
  ];
  for (const [input, want] of cases) assert.equal(crc32(typeof input === 'string' ? Buffer.from(input) : input), want);
  // Incremental use gives the same value as one pass.
  const whole = Buffer.from('labels/000001.txt and more bytes');
  assert.equal(crc32(whole.subarray(10), crc32(whole.subarray(0, 10))), crc32(whole));
});

const entries = [
  { name: 'classes.txt', data: 'person\ncar\n' },
  { name: 'labels/000001.txt', data: '0 0.5 0.5 0.25 0.5\n1 0.1 0.2 0.05 0.1\n' },
  { name: 'labels/000002.txt', data: '' },
  { name: 'données/ü.txt', data: 'utf-8 names' },
  { name: 'bin/random.bin', data: Uint8Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24) },
];

test('zipStore output parses back to the same files', () => {
  const zip = zipStore(entries);
  const back = readZip(zip);
  assert.deepEqual([...back.keys()], entries.map((e) => e.name));
  for (const e of entries) assert.deepEqual(back.get(e.name), typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data));
});

test('the system unzip accepts the archive and extracts the same bytes', (t) => {
  if (spawnSync('unzip', ['-v']).status !== 0) return t.skip('no unzip on this machine (apt-get install unzip)');
  const dir = mkdtempSync(join(tmpdir(), 'hawk-zip-'));
  try {
    writeFileSync(join(dir, 'a.zip'), zipStore(entries));
    const tested = execFileSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' });
    assert.match(tested, /No errors detected/);
    execFileSync('unzip', ['-q', join(dir, 'a.zip'), '-d', join(dir, 'out')]);
    for (const e of entries) assert.deepEqual(readFileSync(join(dir, 'out', e.name)), typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad names are refused', () => {
  for (const name of ['', '/etc/passwd', 'a/../../b']) assert.throws(() => zipStore([{ name, data: 'x' }]), /bad ZIP entry name/);
  assert.throws(() => zipStore([{ name: 'a', data: '1' }, { name: 'a', data: '2' }]), /appears twice/);
});

test('zipStream writes the same bytes as zipStore, entry by entry', async () => {
  const when = new Date(2024, 4, 6, 12, 30, 10);
  const entries = [
    { name: 'annotations.json', data: '{"images":[]}' },
    { name: 'images/000001.jpg', data: new Uint8Array([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]) },
  ];
  async function* slowly() {
    for (const e of entries) yield e;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of zipStream(slowly(), when)) chunks.push(chunk);
  assert.equal(chunks.length, entries.length + 1, 'one chunk per entry, then the directory');
  assert.deepEqual(Buffer.concat(chunks), zipStore(entries, when));
});
