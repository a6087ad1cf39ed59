#!/usr/bin/env node
// Builds native/build/sightline_native.node by calling g++ (and nvcc when found) directly:
// no node-gyp configure step, no downloads, objects compiled in parallel and reused when
// nothing changed. Runs as the package's install script and by hand
// (`node native/scripts/build.mjs`). A failed build explains itself and exits 0 so
// `npm install` goes on with the TypeScript fallback, unless SIGHTLINE_NATIVE_REQUIRED=1.
//
// Environment: SIGHTLINE_CUDA=auto|on|off, SIGHTLINE_CUDA_ARCHS="75;80;86;89;90;100;120" (or "native"),
// SIGHTLINE_NATIVE_MARCH (e.g. "native": -march for the C++ kernels), CXX, CUDA_HOME.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingToolError, findAddonApi, findCompiler, findCuda, findNodeHeaders } from './toolchain.mjs';

const nativeDir = fileURLToPath(new URL('..', import.meta.url));
const cppDir = join(nativeDir, 'cpp');
const cudaDir = join(nativeDir, 'cuda');
const buildDir = join(nativeDir, 'build');
const objDir = join(buildDir, 'obj');
const target = join(buildDir, 'sightline_native.node');
const required = process.env.SIGHTLINE_NATIVE_REQUIRED === '1';
const cudaForced = ['1', 'on', 'true', 'yes'].includes((process.env.SIGHTLINE_CUDA ?? '').toLowerCase());
const ABI_VERSION = 2; // must match kAbiVersion in cpp/addon.cc
const started = performance.now();

/** @param {string} msg */
const log = (msg) => console.log(`[@sightline/native] ${msg}`);

/** @param {string} what @param {string} fix @param {string} [detail] */
function fail(what, fix, detail) {
  console.error(`[@sightline/native] native build failed: ${what}`);
  if (detail) console.error(detail.trim().split('\n').slice(-25).join('\n'));
  console.error(`[@sightline/native] fix: ${fix}`);
  if (required) {
    console.error('[@sightline/native] SIGHTLINE_NATIVE_REQUIRED=1, so this is an error.');
    process.exit(1);
  }
  console.error('[@sightline/native] continuing without it: @sightline/native falls back to its TypeScript backend.');
  process.exit(0);
}

/** Runs a compiler; resolves with its output, rejects with a message naming the command. */
function exec(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => reject(Object.assign(new Error(`${cmd}: ${err.message}`), { output: out })));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(Object.assign(new Error(`${basename(cmd)} exited with ${code}`), { output: out, cmd: [cmd, ...args].join(' ') })),
    );
  });
}

/** Runs async job factories, at most `limit` at a time. */
async function pool(jobs, limit) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

const newest = (files) => Math.max(...files.map((f) => statSync(f).mtimeMs));

/** An object is reused when it is newer than its source and every header, with the same flags. */
function upToDate(obj, src, headers, flagsHash) {
  const stamp = `${obj}.flags`;
  if (!existsSync(obj) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== flagsHash) return false;
  return statSync(obj).mtimeMs > newest([src, ...headers]);
}

function cudaArchFlags() {
  const archs = (process.env.SIGHTLINE_CUDA_ARCHS ?? '75;80;86;89;90;100;120').split(/[;, ]+/).filter(Boolean);
  if (archs.includes('native')) return ['-arch=native'];
  const flags = archs.map((a) => `-gencode=arch=compute_${a},code=sm_${a}`);
  // PTX of the newest listed arch lets the driver JIT for GPUs newer than the list.
  const last = archs[archs.length - 1];
  return [...flags, `-gencode=arch=compute_${last},code=compute_${last}`];
}

let compiler, nodeHeaders, addonApi;
try {
  if (process.platform !== 'linux' && process.platform !== 'darwin') {
    throw new MissingToolError(
      `the direct g++ build supports Linux and macOS, not ${process.platform}`,
      'use the TypeScript backend (automatic), or port scripts/build.mjs to MSVC',
    );
  }
  compiler = findCompiler();
  nodeHeaders = findNodeHeaders();
  addonApi = findAddonApi(nativeDir);
} catch (err) {
  if (err instanceof MissingToolError) fail(err.message, err.fix);
  throw err;
}

const march = process.env.SIGHTLINE_NATIVE_MARCH ? [`-march=${process.env.SIGHTLINE_NATIVE_MARCH}`] : [];
// -ffp-contract=off: no fused multiply-add, so results match the TypeScript reference bit for bit.
const cxxFlags = [
  '-std=c++17', '-O3', '-fPIC', '-fvisibility=hidden', '-ffp-contract=off', '-fno-trapping-math', '-pthread',
  '-Wall', '-Wextra', '-Wno-unused-parameter', ...march,
  '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED',
  `-I${nodeHeaders}`, `-I${addonApi}`,
];
const headers = [cppDir, cudaDir].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.h')).map((f) => join(dir, f)));
const cppSources = readdirSync(cppDir).filter((f) => f.endsWith('.cc') && !f.endsWith('_stub.cc')).sort();

const cuda = findCuda();
if ('skipped' in cuda) {
  if (cudaForced) fail(`SIGHTLINE_CUDA=on but CUDA is unusable: ${cuda.skipped}`, 'install the CUDA toolkit or set CUDA_HOME');
  log(`CUDA kernels skipped (${cuda.skipped}); building the C++-only addon.`);
}

mkdirSync(objDir, { recursive: true });
const hash = (flags) => createHash('sha1').update(flags.join('\0')).digest('hex');

/** @param {string} dir @param {string} file */
function cxxJob(dir, file) {
  const src = join(dir, file);
  const obj = join(objDir, file.replace(/\.cc$/, '.o'));
  const flagsHash = hash([compiler.cxx, ...cxxFlags]);
  return {
    obj,
    run: async () => {
      if (upToDate(obj, src, headers, flagsHash)) return obj;
      await exec(compiler.cxx, [...cxxFlags, '-c', src, '-o', obj]);
      writeFileSync(`${obj}.flags`, flagsHash);
      return obj;
    },
  };
}

const jobs = cppSources.map((f) => cxxJob(cppDir, f));
// Each CUDA source has a C++ stub linked in its place when nvcc is missing or fails on it, so a
// failed CUDA compile still leaves a working C++ addon.
const cudaUnits = [
  { src: 'kernels.cu', obj: 'kernels_cuda.o', stub: 'cuda_stub.cc' },
  { src: 'graph_kernels.cu', obj: 'graph_kernels_cuda.o', stub: 'graph_cuda_stub.cc' },
  { src: 'graph_conv_tiled.cu', obj: 'graph_conv_tiled_cuda.o', stub: 'graph_conv_tiled_stub.cc' },
  { src: 'train_kernels.cu', obj: 'train_kernels_cuda.o', stub: 'train_cuda_stub.cc' },
];
const nvccFlags = [
  '-std=c++17', '-O3', '-fmad=false', '--threads', '0', `-ccbin=${compiler.cxx}`,
  '-Xcompiler=-fPIC,-fvisibility=hidden,-ffp-contract=off', ...cudaArchFlags(),
];
/** @param {{src: string, obj: string}} unit */
function cudaJob(unit) {
  const src = join(cudaDir, unit.src);
  const obj = join(objDir, unit.obj);
  const flagsHash = hash([/** @type {any} */ (cuda).nvcc, ...nvccFlags]);
  return async () => {
    if (upToDate(obj, src, headers, flagsHash)) return obj;
    await exec(/** @type {any} */ (cuda).nvcc, [...nvccFlags, '-c', src, '-o', obj]);
    writeFileSync(`${obj}.flags`, flagsHash);
    return obj;
  };
}

// nvcc is the slowest job: start the CUDA units first (in parallel) so the C++ files compile alongside.
const parallel = Math.max(1, availableParallelism());
const cudaResults = 'skipped' in cuda
  ? cudaUnits.map(() => Promise.resolve(/** @type {true | Error | false} */ (false)))
  : cudaUnits.map((u) => cudaJob(u)().then(() => /** @type {true} */ (true), (err) => /** @type {Error} */ (err)));
try {
  await pool(jobs.map((j) => j.run), Math.max(1, parallel - ('skipped' in cuda ? 0 : 1)));
} catch (err) {
  await Promise.all(cudaResults);
  fail(`${err.message} compiling the C++ kernels`, 'see the compiler output; check that g++ supports C++17 and that node-addon-api is installed', `${err.cmd ?? ''}\n${err.output ?? ''}`);
}

const objects = jobs.map((j) => j.obj);
const cudaBuilt = [];
for (const [i, unit] of cudaUnits.entries()) {
  const result = await cudaResults[i];
  if (result === true) {
    objects.push(join(objDir, unit.obj));
    cudaBuilt.push(unit.src);
    continue;
  }
  if (result instanceof Error) {
    const detail = `${result.cmd ?? ''}\n${result.output ?? ''}`;
    if (cudaForced) fail(`nvcc failed compiling cuda/${unit.src}`, 'see the nvcc output (host compiler version, CUDA_HOME)', detail);
    console.error(detail.trim().split('\n').slice(-15).join('\n'));
    log(`nvcc failed on cuda/${unit.src} (${result.message}); linking its C++ stub instead. Set SIGHTLINE_CUDA=off to skip CUDA.`);
  }
  try {
    objects.push(await cxxJob(cppDir, unit.stub).run());
  } catch (err) {
    fail(`${err.message} compiling cpp/${unit.stub}`, 'see the compiler output', err.output);
  }
}
const withCuda = cudaBuilt.length > 0;

const linkFlags = ['-shared', '-pthread', ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [])];
// The static CUDA runtime loads libcuda.so at run time, so the addon loads without a GPU.
const cudaLibs = withCuda && !('skipped' in cuda) ? [cuda.cudart, '-ldl', '-lrt'] : [];
const tmp = join(buildDir, 'sightline_native.tmp.node');
try {
  await exec(compiler.cxx, [...linkFlags, '-o', tmp, ...objects, ...cudaLibs]);
} catch (err) {
  fail(`${err.message} linking ${basename(target)}`, 'see the linker output', `${err.cmd ?? ''}\n${err.output ?? ''}`);
}

// Load it in a child process before replacing the previous build: a broken addon never lands.
const probe = spawnSync(process.execPath, ['-e', `const a = require(${JSON.stringify(tmp)}); if (a.abiVersion !== ${ABI_VERSION}) throw new Error('abiVersion ' + a.abiVersion); console.log(a.cudaCompiled)`], { encoding: 'utf8' });
if (probe.status !== 0) {
  rmSync(tmp, { force: true });
  fail('the built addon does not load', 'see the error; a missing symbol usually means a stale object: delete native/build and rebuild', probe.stderr);
}
renameSync(tmp, target);
const seconds = (performance.now() - started) / 1000;
const info = {
  abiVersion: ABI_VERSION,
  cuda: withCuda ? { nvcc: cuda.nvcc, version: cuda.version, archs: cudaArchFlags(), units: cudaBuilt } : false,
  compiler: compiler.version,
  nodeHeaders,
  node: process.version,
  builtAt: new Date().toISOString(),
  seconds: Number(seconds.toFixed(2)),
};
writeFileSync(join(buildDir, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
log(`built ${target} (${withCuda ? `C++ + CUDA ${cuda.version}` : 'C++ only'}) in ${seconds.toFixed(1)} s`);
