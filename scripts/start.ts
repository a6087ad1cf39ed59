// `npm start`: the whole system on its embedded defaults. Starts PostgreSQL (unless DATABASE_URL is
// set), migrates, starts hawk, scouter, kanohi and the web server as child processes, waits for
// them to be ready and prints the URLs. It supervises what it starts: a crashed PostgreSQL or
// service is started again. Ctrl-C stops everything, services first, PostgreSQL last.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, migrateUp, openDatabase, repoRoot, type DatabaseHandle } from '@sightline/db';
import { IdentityService } from '@sightline/auth';
import { mediaToolSummary } from '@sightline/media';
import { ConfigError } from '@sightline/server-kit';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { loadWebServerConfig } from '../web/server/config.ts';
import { Supervisor } from './lib/supervisor.ts';
import { ensureWebBuilt } from './lib/web-build.ts';
import { waitForHttp } from './lib/wait-for-http.ts';

const startedAt = Date.now();
if (existsSync(join(repoRoot, '.env'))) process.loadEnvFile(join(repoRoot, '.env'));

let database: DatabaseHandle | undefined;
let supervisor: Supervisor | undefined;
let stopping = false;

/** Services first (Scouter writes what it holds), PostgreSQL last; "Stopped." whatever happened. */
async function stopAll(exitCode: number): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: no more patience.
    supervisor?.kill();
    await database?.embedded?.stop();
    console.log('Stopped.');
    process.exit(exitCode || 130);
  }
  stopping = true;
  console.log('\nStopping Sightline...');
  await supervisor?.stop();
  await database?.embedded?.stop().catch((err: Error) => console.error(`Stopping PostgreSQL failed: ${err.message}`));
  console.log('Stopped.');
  process.exit(exitCode);
}
// From the first moment: a Ctrl-C while PostgreSQL starts or migrations run must still stop it.
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

let ports: { hawk: number; scouter: number; kanohi: number; web: number };
let adminPassword = '';
try {
  const hawkConfig = loadHawkConfig();
  adminPassword = hawkConfig.adminPassword || hawkConfig.hawkAdminPassword;
  ports = {
    hawk: hawkConfig.port,
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

try {
  database = await openDatabase();
} catch (err) {
  console.error(`Could not start the database: ${(err as Error).message}`);
  process.exit(1);
}
if (stopping) await stopAll(0); // Ctrl-C arrived while it started.
const pool = createPool(database.url);
// With no admin yet: the admin from SIGHTLINE_ADMIN_PASSWORD, or a one-time setup link printed below.
let firstRun: Awaited<ReturnType<IdentityService['prepareFirstRun']>> = { state: 'ready' };
// Scouter's training reads Hawk's approved labels through Hawk's API: unless SCOUTER_HAWK_TOKEN
// names a token, each start gives it a fresh read-only Hawk token of the first admin.
let trainingToken: string | undefined;
try {
  const applied = await migrateUp(pool);
  if (applied.length > 0) console.log(`Applied migrations ${applied.join(', ')}`);
  const identity = new IdentityService(pool, { sessionHours: 1 });
  firstRun = await identity.prepareFirstRun(adminPassword);
  if (!process.env.SCOUTER_HAWK_TOKEN) trainingToken = await identity.replaceSiteToken('Scouter training (npm start)', 'hawk');
} catch (err) {
  console.error((err as Error).message);
  await stopAll(1);
} finally {
  await pool.end();
}

// This console prints the URLs; the services' JSON request logs would bury them, so they log
// warnings and errors only unless a *_LOG_LEVEL says otherwise.
// The services accept browsers from the web app's origin, wherever WEB_PORT put it.
const webOrigins = `http://localhost:${ports.web},http://127.0.0.1:${ports.web}`;
// Scouter's pre-labeling reads frames from Hawk's API, wherever HAWK_PORT put it.
const env = { HAWK_LOG_LEVEL: 'warn', SCOUTER_LOG_LEVEL: 'warn', KANOHI_LOG_LEVEL: 'warn', SIGHTLINE_WEB_ORIGINS: webOrigins, SCOUTER_HAWK_URL: `http://127.0.0.1:${ports.hawk}`, ...(trainingToken ? { SCOUTER_HAWK_TOKEN: trainingToken } : {}), ...process.env, DATABASE_URL: database.url };
supervisor = new Supervisor(
  [
    { name: 'hawk', script: 'services/hawk/src/server.ts' },
    { name: 'scouter', script: 'services/scouter/src/server.ts' },
    { name: 'kanohi', script: 'services/kanohi/src/server.ts' },
    { name: 'web', script: 'web/server/serve.ts' },
  ],
  {
    cwd: repoRoot,
    env,
    onGiveUp: (message) => {
      console.error(message);
      void stopAll(1);
    },
  },
);
if (!stopping) supervisor.start();

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
if (!stopping) {
  console.log(`
Sightline is ready (${seconds} s):
  web app   http://localhost:${ports.web}/        (Hawk /hawk, Scouter /scouter, Kanohi /kanohi)
  hawk      http://localhost:${ports.hawk}/healthz
  scouter   http://localhost:${ports.scouter}/healthz
  kanohi    http://localhost:${ports.kanohi}/healthz
  database  ${database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}, data in ${database.embedded.clusterDir} (restarted if it stops)` : 'DATABASE_URL'}
  media     ${mediaToolSummary('ffmpeg')}; ${mediaToolSummary('ffprobe')}
Press Ctrl-C to stop.`);
  if (firstRun.state === 'admin-created') console.log('Created user "admin" with the password in SIGHTLINE_ADMIN_PASSWORD.');
  if (firstRun.state === 'setup') {
    console.log(`
No admin yet. Create one (this link works once, for 24 hours):
  http://localhost:${ports.web}/?setup=${firstRun.setupToken}
Training attribute heads from Hawk's labels needs an admin: it works from the next start (or set SCOUTER_HAWK_TOKEN).`);
  }
}
