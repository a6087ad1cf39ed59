import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { canEnter, idsOf, isRoot, liveServer, platformPackageDir, SHARED_STATE_DIR } from '@sightline/db';

/** One line of `sightline doctor`: a blocker stops `npm start`; a warning costs speed or a feature. */
export interface Check {
  readonly name: string;
  readonly status: 'ok' | 'info' | 'warning' | 'blocker';
  readonly detail: string;
  readonly fix?: string;
}

/** The folder (or the nearest existing one above it) can be written by this user. */
export function writableCheck(name: string, dir: string, fix: string): Check {
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  try {
    accessSync(probe, constants.W_OK);
    return { name, status: 'ok', detail: `${dir} (writable)` };
  } catch {
    return { name, status: 'blocker', detail: `${dir} cannot be written by this user`, fix };
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The embedded server: binaries installed, reachable by the user that runs it, port and cluster state. */
export async function embeddedDatabaseCheck(dataDir: string, port: number): Promise<Check> {
  let packageDir: string;
  try {
    packageDir = platformPackageDir();
  } catch (err) {
    return { name: 'database', status: 'blocker', detail: (err as Error).message, fix: 'Run "npm install" at the repository root, or set DATABASE_URL.' };
  }
  const cluster = join(dataDir, 'postgres');
  const where = existsSync(cluster) ? realpathSync(cluster) : cluster;
  const running = existsSync(where) ? liveServer(where) : undefined;
  if (running) {
    return running.port === port
      ? { name: 'database', status: 'ok', detail: `embedded PostgreSQL running (pid ${running.pid}, port ${port}, data in ${where})` }
      : {
          name: 'database',
          status: 'blocker',
          detail: `the embedded cluster in ${where} is served on port ${running.port}, not ${port}`,
          fix: `Stop that server (kill ${running.pid}) or set SIGHTLINE_DB_PORT=${running.port}.`,
        };
  }
  if (!(await portFree(port))) {
    return { name: 'database', status: 'blocker', detail: `port ${port} is taken by another program`, fix: 'Set SIGHTLINE_DB_PORT to a free port, or DATABASE_URL to use an existing server.' };
  }
  const notes: string[] = [`embedded PostgreSQL from ${packageDir}, port ${port} free, data in ${where}${existsSync(join(where, 'PG_VERSION')) ? '' : ' (created on first start)'}`];
  if (isRoot()) {
    // As root the server runs as `postgres`; these only say what the first start will do.
    const ids = idsOf('postgres');
    notes.push(ids ? 'runs as the postgres user' : 'runs as a postgres user created on first start');
    if (ids) {
      if (!canEnter(join(packageDir, 'native', 'bin'), ids)) notes.push(`its binaries are copied to ${SHARED_STATE_DIR} (the checkout is in a private folder)`);
      let nearest = dataDir;
      while (!existsSync(nearest) && dirname(nearest) !== nearest) nearest = dirname(nearest);
      if (!existsSync(cluster) && !canEnter(nearest, ids)) notes.push(`the cluster lives in ${SHARED_STATE_DIR}/clusters, linked from ${cluster}`);
    }
  }
  return { name: 'database', status: 'ok', detail: notes.join('; ') };
}
