import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so that no machine path is baked in. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where Sightline keeps its state (database, uploads, caches): `SIGHTLINE_DATA_DIR` or `<repo>/data`. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIGHTLINE_DATA_DIR ?? resolve(repoRoot, 'data'));
}
