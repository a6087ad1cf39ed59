import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@sightline/db';

const bin = fileURLToPath(new URL('../../../../bin/sightline.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-doctor-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function doctor(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, [bin, 'doctor', ...args], { env: { ...env, SIGHTLINE_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 });
}

interface Check {
  name: string;
  status: string;
  detail: string;
  fix?: string;
}

test('on a machine with nothing but Node.js on the PATH, doctor finds the bundled ffmpeg and passes', async () => {
  // PATH holds node alone: no system ffmpeg, ffprobe or Chromium to be found there.
  const nodeOnly = join(dataDir, 'bin');
  mkdirSync(nodeOnly);
  symlinkSync(process.execPath, join(nodeOnly, 'node'));
  const env: NodeJS.ProcessEnv = { PATH: nodeOnly, HOME: process.env.HOME, SIGHTLINE_DB_PORT: String(await freePort()) };
  const run = doctor(env, '--json');
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const checks = JSON.parse(run.stdout) as Check[];
  const byName = new Map(checks.map((c) => [c.name, c]));
  for (const name of ['ffmpeg', 'ffprobe']) {
    assert.equal(byName.get(name)?.status, 'ok');
    assert.match(byName.get(name)!.detail, /shipped by npm: .*node_modules/);
  }
  assert.equal(byName.get('database')?.status, 'ok');
  assert.match(byName.get('database')!.detail, /port \d+ free/);
  assert.match(byName.get('inference')!.detail, /^SIGHTLINE_BACKEND=auto: the networks run on /);
  assert.match(byName.get('inference')!.detail, /; SIGHTLINE_BATCH=auto: (one CenterNet pass per frame|CenterNet frames of several cameras share one pass .*)$/);
  for (const name of ['node', 'browser', 'native addon', 'cuda', 'inference', 'data folder', 'model cache']) assert.ok(byName.has(name), `checks ${name}`);
});

test('an unreachable DATABASE_URL is a blocker with its fix, and the exit code says so', async () => {
  const url = `postgres://u:secret@127.0.0.1:${await freePort()}/db`;
  const run = doctor({ ...process.env, DATABASE_URL: url });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /BLOCKER\s+database\s+DATABASE_URL does not answer \(postgres:\/\/u:\*\*\*@127\.0\.0\.1/);
  assert.match(run.stdout, /fix: Start that PostgreSQL server or fix DATABASE_URL/);
  assert.doesNotMatch(run.stdout, /secret/, 'the password is not printed');
  assert.match(run.stdout, /1 problem\(s\) block Sightline/);
});

test('a wrong SIGHTLINE_BATCH is a blocker that names the values it takes', async () => {
  const run = doctor({ ...process.env, SIGHTLINE_BATCH: 'sometimes', SIGHTLINE_DB_PORT: String(await freePort()) });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /BLOCKER\s+inference\s+SIGHTLINE_BATCH must be one of auto, on, off, got "sometimes"/);
  assert.match(run.stdout, /fix: Set SIGHTLINE_BATCH to auto, on or off\./);
});

test('a bad flag is a usage error', () => {
  const run = doctor(process.env, '--frobnicate');
  assert.equal(run.status, 2);
});
