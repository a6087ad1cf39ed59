// Runs every benchmark (`<workspace>/bench/*.bench.ts`) one after another, each in its own Node
// process so one benchmark's warm caches and threads never flatter the next. Each benchmark prints
// its own table of figures measured side by side; this script only orders and frames them.
// `npm run bench -- tracker` runs the benchmarks whose path contains "tracker".
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '@sightline/db';

const filters = process.argv.slice(2);
const workspaces = ['packages', 'services'].flatMap((top) => readdirSync(join(repoRoot, top)).map((name) => join(repoRoot, top, name))).concat([join(repoRoot, 'native'), join(repoRoot, 'web')]);
const benches = workspaces
  .map((dir) => join(dir, 'bench'))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => join(dir, f)))
  .map((file) => relative(repoRoot, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (benches.length === 0) {
  console.error(`No benchmark matched ${filters.join(' ') || 'the repository'}.`);
  process.exit(1);
}

const failed: string[] = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0) failed.push(file);
}
if (failed.length > 0) {
  console.error(`\n${failed.length} benchmark(s) failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\n${benches.length} benchmark(s) finished.`);
