// Finds what the native build needs on this machine: a C++ compiler, Node's headers,
// node-addon-api's headers and (optionally) nvcc with the static CUDA runtime. Nothing is
// downloaded: a missing piece is reported with the way to fix it.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';

export class MissingToolError extends Error {
  /** @param {string} what @param {string} fix */
  constructor(what, fix) {
    super(what);
    this.fix = fix;
  }
}

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** First executable named `name` on PATH, else undefined. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function findCompiler() {
  const cxx = process.env.CXX || (process.platform === 'darwin' ? 'clang++' : 'g++');
  try {
    const version = run(cxx, ['--version']).split('\n')[0];
    return { cxx, version };
  } catch {
    throw new MissingToolError(
      `C++ compiler \`${cxx}\` not found`,
      'install g++ (Debian/Ubuntu: `apt-get install g++`) or set CXX, then run `npm rebuild @sightline/native`',
    );
  }
}

/** Node's own headers (node_api.h): the running node's prefix first, then npm's nodedir. */
export function findNodeHeaders() {
  const prefixes = [
    process.env.npm_config_nodedir,
    /** @type {any} */ (process.config).variables?.node_prefix,
    resolve(dirname(process.execPath), '..'),
    '/usr',
    '/usr/local',
  ];
  const dirs = [
    process.env.SIGHTLINE_NODE_HEADERS,
    ...prefixes.map((prefix) => (prefix ? join(prefix, 'include', 'node') : undefined)),
  ].filter((d) => typeof d === 'string' && d !== '');
  const tried = [...new Set(dirs)];
  for (const dir of tried) {
    if (existsSync(join(dir, 'node_api.h'))) return dir;
  }
  throw new MissingToolError(
    `Node headers (node_api.h) not found; looked in ${tried.join(', ')}`,
    'install the headers of this Node version (Debian: `apt-get install libnode-dev`; or unpack ' +
      `node-${process.version}-headers.tar.gz and set npm_config_nodedir to it), then run \`npm rebuild @sightline/native\``,
  );
}

/** @param {string} nativeDir */
export function findAddonApi(nativeDir) {
  try {
    const require = createRequire(join(nativeDir, 'package.json'));
    const dir = dirname(require.resolve('node-addon-api/package.json'));
    if (existsSync(join(dir, 'napi.h'))) return dir;
  } catch {
    // reported below
  }
  throw new MissingToolError(
    'node-addon-api is not installed',
    'run `npm install` at the repository root (it is a dependency of @sightline/native)',
  );
}

/**
 * nvcc and the static CUDA runtime, or a reason why CUDA is left out.
 * @returns {{ nvcc: string, version: string, cudart: string } | { skipped: string }}
 */
export function findCuda() {
  const mode = (process.env.SIGHTLINE_CUDA ?? 'auto').toLowerCase();
  if (['0', 'off', 'false', 'no'].includes(mode)) return { skipped: 'SIGHTLINE_CUDA=off' };
  const roots = [process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'].filter(Boolean);
  const nvcc =
    onPath('nvcc') ?? roots.map((r) => join(/** @type {string} */ (r), 'bin', 'nvcc')).find((p) => existsSync(p));
  if (!nvcc) return { skipped: 'nvcc not found on PATH, in CUDA_HOME or /usr/local/cuda/bin' };
  let version = '';
  let here = dirname(realpathSync(nvcc));
  try {
    version = run(nvcc, ['--version']).match(/release [\d.]+/)?.[0] ?? 'unknown';
    // nvcc may be a wrapper script; its dry run names the real toolkit directory.
    const dry = run(nvcc, ['--dryrun', '-c', '-x', 'cu', '/dev/null', '-o', '/dev/null']);
    here = dry.match(/^#\$ _HERE_=(.*)$/m)?.[1]?.trim() ?? here;
  } catch (err) {
    return { skipped: `nvcc at ${nvcc} does not run: ${String(err).split('\n')[0]}` };
  }
  const top = resolve(here, '..');
  const libs = [top, ...roots].flatMap((r) =>
    ['lib64', 'lib', 'targets/x86_64-linux/lib', 'targets/sbsa-linux/lib'].map((l) =>
      join(/** @type {string} */ (r), l, 'libcudart_static.a'),
    ),
  );
  const cudart = libs.find((p) => existsSync(p));
  if (!cudart) return { skipped: `libcudart_static.a not found next to ${nvcc} (looked under ${top})` };
  return { nvcc, version, cudart };
}
