import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@sightline/db';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds web/dist with Vite when it is missing or older than the web or contracts sources. */
export async function ensureWebBuilt(log: (line: string) => void): Promise<void> {
  const web = join(repoRoot, 'web');
  const built = join(web, 'dist', 'index.html');
  const sources = [join(web, 'src'), join(web, 'index.html'), join(repoRoot, 'packages', 'contracts', 'src')];
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  log('Building the web app...');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error('Building the web app failed (see the Vite output above).');
}
