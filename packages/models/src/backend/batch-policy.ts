// Whether a network's frames of several cameras are gathered into one pass, per backend as the
// selection (select-backend.ts) reports it, and the setting that forces it: SIGHTLINE_BATCH (auto |
// on | off). Scouter's inference thread applies it (services/scouter frame-batcher.ts).
// Why: on a GPU a batch of 4 costs about one pass, so CUDA gathers. On onnxruntime's CPU path
// batching measured slower, so CPU backends run frame by frame unless SIGHTLINE_BATCH=on.
// Measured 2026-12 on a shared 2-core machine (load average 5-7, onnxruntime 2 threads, PETS09
// 480x360 at 512x384; medians of per-round ratios in alternating rounds; three runs each):
// - whole detect path per frame (packages/models/bench/batch.bench.ts, 12-16 rounds), batch 2 / 3
//   / 4 against single passes: 1.07-1.30 / 1.23-1.72 / 1.36-1.80x (single rounds 0.54..5.8);
// - the network alone: the free-batch body 1.09x the frozen batch-1 graph at batch 1, 1.17x per
//   frame at batch 2 and 1.23x at batch 3 (a graph with a fixed batch of 2 or 3 was no better);
// - through the inference thread (services/scouter/bench/batching.bench.ts), cameras sending
//   frames back to back: 3 cameras 1.40-2.40x, 4 cameras 1.14-1.51x per frame with batching on;
//   3 cameras at 10 fps: 2.7-5.2 frames/s each with it on against 4.6-6.8 off, and higher latency.
// The earlier 0.85-0.93x (batch 2-4, the network up to its head outputs only) did not hold up:
// the decode tail per frame (about 3 ms) and larger activations cost more than one run saves.

/** How many frames one pass takes and how long the first frame of a batch waits for company. */
export interface BatchPolicy {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
}

/** SIGHTLINE_BATCH: `auto` (the backend's policy, batchingFor), `on` (gather as on CUDA, whatever runs the network), `off` (single passes). */
export const BATCH_SETTINGS = ['auto', 'on', 'off'] as const;
export type BatchSetting = (typeof BATCH_SETTINGS)[number];

/** Gathering: up to 4 frames, the first waiting at most 5 ms (a 10 fps camera spends 100 ms per frame). */
export const GATHER: BatchPolicy = { maxBatch: 4, maxWaitMs: 5 };
const SINGLE: BatchPolicy = { maxBatch: 1, maxWaitMs: 0 };

/**
 * The batching setting, SIGHTLINE_BATCH (default auto); a wrong value throws naming the setting.
 * @example batchSetting({ SIGHTLINE_BATCH: 'on' }) // 'on'
 */
export function batchSetting(env: NodeJS.ProcessEnv = process.env): BatchSetting {
  const value = env.SIGHTLINE_BATCH ?? 'auto';
  if (!(BATCH_SETTINGS as readonly string[]).includes(value)) throw new Error(`SIGHTLINE_BATCH must be one of ${BATCH_SETTINGS.join(', ')}, got "${value}"`);
  return value as BatchSetting;
}

/**
 * The batch policy for a backend name as select-backend.ts reports it (selectBackend before
 * loading, ModelBackend.backend after) under a setting: on `auto`, CUDA gathers (GATHER) and every
 * CPU backend runs single passes (measured slower batched, above); `on` and `off` force either.
 * @example batchingFor('native-cuda') // { maxBatch: 4, maxWaitMs: 5 }
 */
export function batchingFor(backend: string, setting: BatchSetting = 'auto'): BatchPolicy {
  if (setting !== 'auto') return setting === 'on' ? GATHER : SINGLE;
  return backend === 'native-cuda' ? GATHER : SINGLE;
}
