// The headless Chromium shipped inside the `@sparticuz/chromium` npm package, for machines with no
// system Chromium: `npm install` brings it, and the first use unpacks it (about 200 MB) once per
// machine into a folder of its own under the temp directory.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface BundledChromium {
  readonly executablePath: string;
  /** Environment for the browser process: the fonts that come with the package. */
  readonly env: Record<string, string>;
}

const require = createRequire(import.meta.url);

/** The package's folder (its exports hide package.json, so found from its entry point). */
function packageDir(): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve('@sparticuz/chromium'));
  } catch {
    return undefined;
  }
  for (; dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@sparticuz/chromium') return dir;
  }
  return undefined;
}

function packageVersion(): string | undefined {
  const dir = packageDir();
  return dir ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : undefined;
}

function fontsConfig(dir: string): string {
  // Its own fonts first, then the system's when there are any.
  return `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`;
}

function described(dir: string): BundledChromium {
  return { executablePath: join(dir, 'chromium'), env: { FONTCONFIG_FILE: join(dir, 'fonts.conf') } };
}

/**
 * Unpacks the package's Chromium once (into `<tmp>/sightline-chromium-<version>`) and returns it;
 * undefined when the package is not installed. Concurrent callers each unpack into a staging
 * folder and the first rename wins, so nobody ever runs a half-written binary.
 * @example const { executablePath, env } = (await bundledChromium())!;
 */
export async function bundledChromium(): Promise<BundledChromium | undefined> {
  const version = packageVersion();
  if (!version) return undefined;
  const dir = join(tmpdir(), `sightline-chromium-${version}`);
  if (existsSync(join(dir, 'chromium')) && existsSync(join(dir, 'fonts.conf'))) return described(dir);

  const staging = `${dir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  // The package unpacks into os.tmpdir(); pointing TMPDIR at the staging folder for the call keeps
  // it out of the shared /tmp/chromium that a concurrent unpack could be writing.
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: Chromium } = await import('@sparticuz/chromium');
    const binDir = join(packageDir()!, 'bin');
    await Chromium.executablePath(binDir);
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  writeFileSync(join(staging, 'fonts.conf'), fontsConfig(dir));
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // Another process finished first.
  }
  if (!existsSync(join(dir, 'chromium'))) throw new Error(`Unpacking the bundled Chromium into ${dir} failed.`);
  return described(dir);
}
