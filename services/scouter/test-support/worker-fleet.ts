import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { CameraRepository } from '../src/repositories/camera.repository.ts';
import { defaultSpec } from '../src/pipeline/default-spec.ts';

const entry = fileURLToPath(new URL('./synthetic-worker.ts', import.meta.url));

/** One synthetic Scouter worker process and the worker id it announced. */
export interface FleetWorker {
  readonly child: ChildProcess;
  readonly workerId: Promise<string>;
}

/**
 * Starts a Scouter process running synthetic stages against `databaseUrl`. `env` adds SCOUTER_*
 * settings (and SIM_PEOPLE); its HTTP server listens on a free port.
 */
export function startSyntheticWorker(databaseUrl: string, env: Record<string, string>): FleetWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SCOUTER_PORT: '0', SCOUTER_LOG_LEVEL: 'warn', SCOUTER_PREVIEW_FPS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  const workerId = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"workerId"')) resolve((JSON.parse(line) as { workerId: string }).workerId);
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before announcing itself`)));
  });
  workerId.catch(() => undefined);
  return { child, workerId };
}

/** Adds `count` looping file cameras (their URI is never opened by synthetic stages); returns their ids. */
export async function addSyntheticCameras(pool: pg.Pool, count: number, fps: number): Promise<number[]> {
  const cameras = new CameraRepository(pool);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const camera = { name: `sim-${i + 1}`, uri: `file:///synthetic/sim-${i + 1}.mp4`, fps, loop: true, enabled: true };
    ids.push(await cameras.create(camera, defaultSpec(camera)));
  }
  return ids;
}

/** Cameras held per worker id (unexpired leases only). */
export async function leasesByWorker(pool: pg.Pool): Promise<Map<string, number[]>> {
  const { rows } = await pool.query<{ camera_id: number; worker_id: string }>('SELECT camera_id, worker_id FROM camera_leases WHERE expires_at > now() ORDER BY camera_id');
  const byWorker = new Map<string, number[]>();
  for (const r of rows) byWorker.set(r.worker_id, [...(byWorker.get(r.worker_id) ?? []), r.camera_id]);
  return byWorker;
}

/** Ingest over the last `windowMs` (ending `settleMs` ago, so its batches have landed) and freshness now. */
export interface IngestSample {
  /** Observations per second stored in the window. */
  readonly rowsPerS: number;
  /** Cameras with rows in the window. */
  readonly cameras: number;
  /** Per camera: how old its newest stored observation is now (batching included), p50 / p95 / max. */
  readonly lagMs: { p50: number; p95: number; max: number };
}

export async function sampleIngest(pool: pg.Pool, windowMs: number, settleMs = 1500): Promise<IngestSample> {
  const { rows: [w] } = await pool.query<{ n: number; cameras: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT camera_id)::int AS cameras FROM observations
     WHERE observed_at >= now() - make_interval(secs => ($1::float8 + $2::float8) / 1000.0) AND observed_at < now() - make_interval(secs => $2::float8 / 1000.0)`,
    [windowMs, settleMs],
  );
  const { rows: lags } = await pool.query<{ lag: number }>(
    `SELECT (extract(epoch FROM now() - max(observed_at)) * 1000)::float8 AS lag FROM observations
     WHERE observed_at > now() - interval '2 minutes' GROUP BY camera_id ORDER BY 1`,
  );
  const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(lags.length * p))]?.lag ?? NaN;
  return { rowsPerS: (w!.n * 1000) / windowMs, cameras: w!.cameras, lagMs: { p50: q(0.5), p95: q(0.95), max: lags.at(-1)?.lag ?? NaN } };
}
