// Root in a private folder (a checkout under root's 0700 home, as in most containers): the
// `postgres` user that runs the server cannot enter it, so binaries and cluster must live where it can.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { freePort } from './free-port.ts';
import { canEnter, clusterDir, isRoot, platformPackageDir, postgresBinaries, serverUser } from './postgres-runtime.ts';

const skip = isRoot() ? false : 'only root runs the server as another user (run the suite as root to check this)';
const scratch = mkdtempSync(join(tmpdir(), 'sightline-private-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder only root may enter, like /root, with `shared` beside it standing in for /var/lib/sightline. */
function privateFolder(name: string): { home: string; shared: string } {
  chmodSync(scratch, 0o755);
  const home = mkdtempSync(join(scratch, `${name}-home-`));
  chmodSync(home, 0o700);
  return { home, shared: join(scratch, `${name}-shared`) };
}

test('binaries inside a private folder are copied where the postgres user can run them', { skip }, () => {
  const user = serverUser()!;
  const { home, shared } = privateFolder('bin');
  const pkg = join(home, 'checkout', 'node_modules', 'pg-binaries');
  cpSync(platformPackageDir(), pkg, { recursive: true, verbatimSymlinks: true });
  assert.equal(canEnter(join(pkg, 'native', 'bin'), user), false, 'the copy is out of the postgres user\'s reach');

  const binaries = postgresBinaries(user, shared, pkg);
  assert.equal(binaries.relocated, true);
  assert.ok(binaries.postgres.startsWith(shared));
  const run = spawnSync(binaries.postgres, ['--version'], { uid: user.uid, gid: user.gid, cwd: shared, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /postgres \(PostgreSQL\) \d+/);
  // A second start reuses the copy.
  assert.equal(postgresBinaries(user, shared, pkg).postgres, binaries.postgres);
});

test('a cluster asked for inside a private folder lives in the shared folder, linked from the data folder', { skip }, async () => {
  const { home, shared } = privateFolder('cluster');
  const dataDir = join(home, 'sightline', 'data', 'postgres');
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir, port, sharedStateDir: shared });
  try {
    assert.ok(lstatSync(dataDir).isSymbolicLink(), 'the data folder shows where the cluster went');
    assert.equal(realpathSync(dataDir), server.clusterDir);
    assert.ok(server.clusterDir.startsWith(shared));
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query('CREATE TABLE t (v int); INSERT INTO t VALUES (1)');
    await client.end();
  } finally {
    await server.stop();
  }
  // The next start finds the same cluster through the link.
  assert.equal(clusterDir(dataDir, serverUser(), shared).dir, realpathSync(dataDir));
  const again = await startEmbeddedPostgres({ dataDir, port, sharedStateDir: shared });
  try {
    const client = new pg.Client({ connectionString: again.url });
    await client.connect();
    assert.deepEqual((await client.query('SELECT v FROM t')).rows, [{ v: 1 }]);
    await client.end();
  } finally {
    await again.stop();
  }
  assert.ok(existsSync(join(realpathSync(dataDir), 'PG_VERSION')));
});
