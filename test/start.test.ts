// `npm start` as a user runs it: embedded PostgreSQL in a fresh data folder, migrations, the three
// services and the web app on their own ports; then Ctrl-C must leave no process behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, repoRoot } from '@sightline/db';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-start-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function processesUsing(path: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(path) && !line.includes('ps -eo'));
}

test('npm start serves every health endpoint and the web app, and Ctrl-C stops everything', { timeout: 120_000 }, async () => {
  const [db, hawk, scouter, kanohi, web] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SIGHTLINE_DATA_DIR: dataDir,
    SIGHTLINE_DB_PORT: String(db),
    HAWK_PORT: String(hawk),
    SCOUTER_PORT: String(scouter),
    KANOHI_PORT: String(kanohi),
    WEB_PORT: String(web),
    HAWK_LOG_LEVEL: 'warn',
    SCOUTER_LOG_LEVEL: 'warn',
    KANOHI_LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL; // the embedded default, as a new user gets it
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 90 s:\n${output}`)), 90_000);
      child.stdout.on('data', () => {
        if (output.includes('Sightline is ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    assert.match(output, new RegExp(`web app\\s+http://localhost:${web}/`));

    for (const [service, port] of [['hawk', hawk], ['scouter', scouter], ['kanohi', kanohi]] as const) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(ready.status, 200, `${service} /readyz`);
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { service: string };
      assert.equal(health.service, service);
    }
    const page = await fetch(`http://127.0.0.1:${web}/kanohi`);
    assert.match(await page.text(), /<div id="root">/);
    const config = (await (await fetch(`http://127.0.0.1:${web}/config.json`)).json()) as { services: Record<string, string> };
    assert.equal(config.services.hawk, `http://localhost:${hawk}`, 'the page is told the ports the services really use');

    // First run: no admin, so a one-time setup link is printed; every API is closed to anonymous callers.
    const token = new RegExp(`http://localhost:${web}/\\?setup=([\\w-]+)`).exec(output)?.[1];
    assert.ok(token, `a setup link is printed:\n${output}`);
    for (const [port, path] of [[hawk, '/projects'], [scouter, '/cameras'], [kanohi, '/floors']] as const) {
      assert.equal((await fetch(`http://127.0.0.1:${port}${path}`)).status, 401, `anonymous ${path}`);
    }
    const setup = await fetch(`http://127.0.0.1:${hawk}/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'owner', password: 'first-admin-pw', setupToken: token }) });
    assert.equal(setup.status, 201, await setup.clone().text());
    const { token: session } = (await setup.json()) as { token: string };
    assert.equal((await fetch(`http://127.0.0.1:${kanohi}/floors`, { headers: { authorization: `Bearer ${session}` } })).status, 200, 'one login serves another service');
    assert.ok(processesUsing(dataDir).some((line) => line.includes('postgres')), 'the embedded PostgreSQL runs from the data folder');
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, output);
  assert.match(output, /Stopped\./);
  assert.deepEqual(processesUsing(dataDir), [], 'no postgres left running');
  for (const port of [hawk, web]) await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), `port ${port} is closed`);
});
