// `npm start`: the whole system on its embedded defaults. Starts PostgreSQL (unless DATABASE_URL is
// set), migrates, starts hawk, scouter, kanohi and the web server as child processes, waits for
// them to be ready and prints the URLs. Ctrl-C stops everything, PostgreSQL last.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, migrateUp, openDatabase, repoRoot, type DatabaseHandle } from '@sightline/db';
import { ConfigError } from '@sightline/server-kit';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { loadWebServerConfig } from '../web/server/config.ts';
import { ensureWebBuilt } from './lib/web-build.ts';
import { waitForHttp } from './lib/wait-for-http.ts';

const startedAt = Date.now();
if (existsSync(join(repoRoot, '.env'))) process.loadEnvFile(join(repoRoot, '.env'));

let ports: { hawk: number; scouter: number; kanohi: number; web: number };
try {
  ports = {
    hawk: loadHawkConfig().port,
    scouter: loadScouterConfig().port,
    kanohi: loadKanohiConfig().port,
    web: loadWebServerConfig().port,
  };
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`${err.message}\nSee .env.example for every setting.`);
    process.exit(2);
  }
  throw err;
}

await ensureWebBuilt((line) => console.log(line));

let database: DatabaseHandle;
try {
  database = await openDatabase();
} catch (err) {
  console.error(`Could not start the database: ${(err as Error).message}`);
  process.exit(1);
}
const pool = createPool(database.url);
try {
  const applied = await migrateUp(pool);
  if (applied.length > 0) console.log(`Applied migrations ${applied.join(', ')}`);
} catch (err) {
  console.error((err as Error).message);
  await database.embedded?.stop();
  process.exit(1);
} finally {
  await pool.end();
}

const children: { name: string; process: ChildProcess }[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nStopping Sightline...');
    await Promise.all(
      children.map(
        ({ process: child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
          }),
      ),
    );
    await database?.embedded?.stop();
    console.log('Stopped.');
  }
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// This console prints the URLs; the services' JSON request logs would bury them, so they log
// warnings and errors only unless a *_LOG_LEVEL says otherwise.
const env = { HAWK_LOG_LEVEL: 'warn', SCOUTER_LOG_LEVEL: 'warn', KANOHI_LOG_LEVEL: 'warn', ...process.env, DATABASE_URL: database.url };
const programs = [
  { name: 'hawk', script: 'services/hawk/src/server.ts' },
  { name: 'scouter', script: 'services/scouter/src/server.ts' },
  { name: 'kanohi', script: 'services/kanohi/src/server.ts' },
  { name: 'web', script: 'web/server/serve.ts' },
];
for (const program of programs) {
  const child = spawn(process.execPath, ['--import', 'tsx', program.script], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${program.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the rest.`);
    void stopAll(1);
  });
  children.push({ name: program.name, process: child });
}

try {
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${ports.hawk}/readyz`),
    waitForHttp(`http://127.0.0.1:${ports.scouter}/readyz`),
    waitForHttp(`http://127.0.0.1:${ports.kanohi}/readyz`),
    waitForHttp(`http://127.0.0.1:${ports.web}/healthz`),
  ]);
} catch (err) {
  console.error((err as Error).message);
  await stopAll(1);
}

const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
console.log(`
Sightline is ready (${seconds} s):
  web app   http://localhost:${ports.web}/        (Hawk /hawk, Scouter /scouter, Kanohi /kanohi)
  hawk      http://localhost:${ports.hawk}/healthz
  scouter   http://localhost:${ports.scouter}/healthz
  kanohi    http://localhost:${ports.kanohi}/healthz
  database  ${database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}, data in ${database.embedded.dataDir}` : 'DATABASE_URL'}
Press Ctrl-C to stop.`);
