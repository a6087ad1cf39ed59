// Backend selection: SIGHTLINE_NATIVE, explicit names, and what a missing build says. The
// missing-build cases run in a child process because the addon is loaded once per process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getBackends, loadEngine } from './index.ts';

const nativeDir = fileURLToPath(new URL('..', import.meta.url));

function runChild(env: Record<string, string>, code: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: nativeDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('backend selection', () => {
  it('lists cuda, cpp and ts, with ts always available', () => {
    const backends = getBackends();
    assert.deepEqual(backends.map((b) => b.name), ['cuda', 'cpp', 'ts']);
    assert.ok(backends.every((b) => b.detail.length > 0));
    assert.equal(backends.find((b) => b.name === 'ts')?.available, true);
  });

  it('auto picks the first available backend', () => {
    const best = getBackends().find((b) => b.available)!;
    assert.equal(loadEngine('auto').backendName, best.name);
  });

  it('honours SIGHTLINE_NATIVE and rejects unknown values', () => {
    const saved = process.env.SIGHTLINE_NATIVE;
    try {
      process.env.SIGHTLINE_NATIVE = 'ts';
      assert.equal(loadEngine().backendName, 'ts');
      process.env.SIGHTLINE_NATIVE = 'gpu';
      assert.throws(() => loadEngine(), /SIGHTLINE_NATIVE must be one of ts, cpp, cuda or auto/);
    } finally {
      if (saved === undefined) delete process.env.SIGHTLINE_NATIVE;
      else process.env.SIGHTLINE_NATIVE = saved;
    }
  });

  it('throws with the reason when a forced backend cannot run', () => {
    for (const b of getBackends().filter((x) => !x.available)) {
      assert.throws(() => loadEngine(b.name), new RegExp(`backend '${b.name}' is not available`));
    }
  });

  it('without a build: forcing cpp says how to fix it, auto falls back to ts with a warning', () => {
    const env = { SIGHTLINE_NATIVE_ADDON: `${nativeDir}build/does-not-exist.node` };
    const forced = runChild({ ...env, SIGHTLINE_NATIVE: 'cpp' }, "import('@sightline/native').then((m) => m.loadEngine())");
    assert.notEqual(forced.status, 0);
    assert.match(forced.stderr, /native addon is not built .*npm rebuild @sightline\/native/);
    const auto = runChild({ ...env, SIGHTLINE_NATIVE: 'auto' }, "import('@sightline/native').then((m) => console.log(m.getEngine().backendName))");
    assert.equal(auto.status, 0, auto.stderr);
    assert.equal(auto.stdout.trim(), 'ts');
    assert.match(auto.stderr, /SightlineNativeWarning.*npm rebuild @sightline\/native/s);
  });

  it('refuses a file that is not a loadable addon, naming the file and the fix', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-native-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bogus = join(dir, 'bogus.node');
    writeFileSync(bogus, 'not an ELF file');
    const r = runChild({ SIGHTLINE_NATIVE_ADDON: bogus, SIGHTLINE_NATIVE: 'cpp' }, "import('@sightline/native').then((m) => m.loadEngine())");
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /failed to load .*bogus\.node/);
    assert.match(r.stderr, /npm rebuild @sightline\/native/);
  });
});
