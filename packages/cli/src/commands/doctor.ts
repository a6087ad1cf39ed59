import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { createPool, dataDir, DEFAULT_EMBEDDED_PORT, isDatabaseReachable } from '@sightline/db';
import { describeMediaTool } from '@sightline/media';
import { backendChoice, batchingFor, batchSetting, GATHER, modelCacheDir, type BatchSetting } from '@sightline/models';
import { cudaGraphAvailable, getBackends } from '@sightline/native';
import { UsageError, type CliCommand } from '../command.ts';
import { embeddedDatabaseCheck, writableCheck, type Check } from './doctor-checks.ts';

const usage = `Usage: sightline doctor [--json]

Checks what this machine gives Sightline: Node.js, ffmpeg and ffprobe (and where they come from),
a browser for the browser tests, the native engine and its kernels, a CUDA device, the database
(DATABASE_URL or the embedded server) and the model cache. Each problem comes with its fix.
Exits 1 when something blocks \`npm start\`, 0 otherwise (warnings included).

  --json   print the checks as JSON`;

const require = createRequire(import.meta.url);

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 11);
  return ok
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.versions.node}` }
    : { name: 'node', status: 'blocker', detail: `Node.js ${process.versions.node} is too old`, fix: 'Install Node.js 20.11 or newer.' };
}

function mediaCheck(name: 'ffmpeg' | 'ffprobe'): Check {
  const info = describeMediaTool(name);
  if (info.error) {
    const key = name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
    return { name, status: 'blocker', detail: info.error, fix: `Run "npm install" (it ships a static ${name}), install one on the PATH, or set ${key}.` };
  }
  const from = { env: `set by ${name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'}`, system: 'from the PATH', bundled: 'shipped by npm' }[info.source];
  return { name, status: 'ok', detail: `${name} ${info.version} (${from}: ${info.path})` };
}

function browserCheck(): Check {
  const system = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p) && statSync(p).isFile());
  if (system) return { name: 'browser', status: 'ok', detail: `Chromium for the browser tests: ${system}` };
  try {
    require.resolve('@sparticuz/chromium');
    return { name: 'browser', status: 'ok', detail: 'Chromium for the browser tests: the bundled @sparticuz/chromium (unpacked on first use)' };
  } catch {
    return { name: 'browser', status: 'warning', detail: 'no Chromium for the browser tests', fix: 'Run "npm install" at the repository root (it brings a headless Chromium), or set CHROMIUM_PATH.' };
  }
}

function nativeChecks(): Check[] {
  const backends = getBackends();
  const cpp = backends.find((b) => b.name === 'cpp')!;
  const cuda = backends.find((b) => b.name === 'cuda')!;
  return [
    cpp.available
      ? { name: 'native addon', status: 'ok', detail: `C++ kernels loaded: ${cpp.detail}` }
      : { name: 'native addon', status: 'warning', detail: `C++ kernels not loaded (${cpp.detail}); the slower TypeScript kernels run instead`, fix: 'Install g++ and python3, then run "npm rebuild @sightline/native".' },
    cuda.available
      ? { name: 'cuda', status: 'ok', detail: cuda.detail }
      : { name: 'cuda', status: 'info', detail: `no CUDA device in use: ${cuda.detail}` },
  ];
}

/**
 * What SIGHTLINE_BACKEND will pick for the networks (the choice itself; a model that fails to plan
 * still falls back when loaded), and whether SIGHTLINE_BATCH gathers cameras' frames into one pass.
 */
function inferenceCheck(): Check {
  let choice: string;
  let batch: BatchSetting;
  try {
    choice = backendChoice('centernet');
    batch = batchSetting();
  } catch (err) {
    const message = (err as Error).message;
    const fix = message.startsWith('SIGHTLINE_BATCH') ? 'Set SIGHTLINE_BATCH to auto, on or off.' : 'Set SIGHTLINE_BACKEND to auto, onnxruntime, native or cuda.';
    return { name: 'inference', status: 'blocker', detail: message, fix };
  }
  const gpu = cudaGraphAvailable();
  const engine = choice === 'onnxruntime' || (choice === 'auto' && !gpu.ok) ? 'onnxruntime on the CPU' : choice === 'cuda' && !gpu.ok ? 'onnxruntime (cuda asked for, no device)' : gpu.ok ? 'the native CUDA engine' : "the native engine's CPU emulation (slow)";
  const gathers = batchingFor(engine === 'the native CUDA engine' ? 'native-cuda' : 'cpu', batch).maxBatch > 1;
  const batching = `SIGHTLINE_BATCH=${batch}: ${gathers ? `CenterNet frames of several cameras share one pass (up to ${GATHER.maxBatch}, ${GATHER.maxWaitMs} ms wait)` : 'one CenterNet pass per frame'}`;
  return { name: 'inference', status: 'ok', detail: `SIGHTLINE_BACKEND=${choice}: the networks run on ${engine}${gpu.ok ? '' : ` (${gpu.reason})`}; SIGHTLINE_BACKEND_<MODEL> overrides one model; ${batching}` };
}

async function databaseCheck(): Promise<Check> {
  if (process.env.DATABASE_URL) {
    const pool = createPool(process.env.DATABASE_URL, { log: () => undefined, max: 1 });
    try {
      const ok = await isDatabaseReachable(pool, 5000);
      const where = process.env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@');
      return ok
        ? { name: 'database', status: 'ok', detail: `DATABASE_URL answers (${where})` }
        : { name: 'database', status: 'blocker', detail: `DATABASE_URL does not answer (${where})`, fix: 'Start that PostgreSQL server or fix DATABASE_URL; unset it to use the embedded server.' };
    } finally {
      await pool.end();
    }
  }
  const port = process.env.SIGHTLINE_DB_PORT ? Number(process.env.SIGHTLINE_DB_PORT) : DEFAULT_EMBEDDED_PORT;
  return embeddedDatabaseCheck(dataDir(), port);
}

function modelCacheCheck(): Check {
  const dir = modelCacheDir();
  const writable = writableCheck('model cache', dir, 'Set SIGHTLINE_MODEL_CACHE to a folder this user can write.');
  if (writable.status !== 'ok') return writable;
  const models = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.onnx')) : [];
  return { name: 'model cache', status: 'ok', detail: `${dir}: ${models.length === 0 ? 'empty (models are converted on first use, a few seconds each)' : `${models.length} converted model(s)`}` };
}

/** Every check, in the order printed. */
export async function runChecks(): Promise<Check[]> {
  return [
    nodeCheck(),
    mediaCheck('ffmpeg'),
    mediaCheck('ffprobe'),
    browserCheck(),
    ...nativeChecks(),
    inferenceCheck(),
    await databaseCheck(),
    writableCheck('data folder', dataDir(), 'Set SIGHTLINE_DATA_DIR to a folder this user can write.'),
    modelCacheCheck(),
  ];
}

const MARK: Record<Check['status'], string> = { ok: 'ok     ', info: 'info   ', warning: 'warning', blocker: 'BLOCKER' };

/** `sightline doctor`: what this machine gives the project, with a fix for each problem. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check this machine: ffmpeg, browser, native engine, CUDA, inference engine, database, model cache',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const checks = await runChecks();
    if (values.json) console.log(JSON.stringify(checks, null, 2));
    else {
      for (const check of checks) {
        console.log(`${MARK[check.status]}  ${check.name.padEnd(13)} ${check.detail}`);
        if (check.fix) console.log(`${' '.repeat(24)}fix: ${check.fix}`);
      }
    }
    const blockers = checks.filter((c) => c.status === 'blocker').length;
    if (!values.json) console.log(blockers === 0 ? '\nNothing blocks Sightline on this machine.' : `\n${blockers} problem(s) block Sightline; see the fixes above.`);
    return blockers === 0 ? 0 : 1;
  },
};
