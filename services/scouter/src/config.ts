import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Scouter, read from the environment (see .env.example); unknown SCOUTER_* keys are errors. */
export const ScouterConfig = Type.Object(
  {
    ...serviceBasics('SCOUTER', 3002),
    worker: Type.Boolean({ env: 'SCOUTER_WORKER', default: true, description: 'Run camera pipelines in this process (false: HTTP API only)' }),
    maxCameras: Type.Integer({ env: 'SCOUTER_MAX_CAMERAS', default: 8, minimum: 1, maximum: 256, description: 'Most cameras one worker runs at once' }),
    leaseTtlMs: Type.Integer({ env: 'SCOUTER_LEASE_TTL_MS', default: 15_000, minimum: 1000, description: 'A camera lease not renewed for this long moves to another worker' }),
    heartbeatMs: Type.Integer({ env: 'SCOUTER_HEARTBEAT_MS', default: 3000, minimum: 100, description: 'How often a worker renews its leases and claims free cameras (keep well below the lease TTL)' }),
    stallMs: Type.Integer({ env: 'SCOUTER_STALL_MS', default: 10_000, minimum: 500, description: 'A stream that yields no frame for this long is reconnected' }),
    reconnectMaxMs: Type.Integer({ env: 'SCOUTER_RECONNECT_MAX_MS', default: 30_000, minimum: 100, description: 'Longest wait between reconnect attempts (exponential backoff from 500 ms)' }),
    previewFps: Type.Number({ env: 'SCOUTER_PREVIEW_FPS', default: 2, minimum: 0, maximum: 30, description: 'JPEG previews (scouter:frame) per second per camera; 0 turns them off' }),
    batchMs: Type.Integer({ env: 'SCOUTER_BATCH_MS', default: 500, minimum: 10, description: 'Observations are written to PostgreSQL in one transaction per camera at most this often' }),
    retentionDays: Type.Integer({ env: 'SCOUTER_RETENTION_DAYS', default: 0, minimum: 0, maximum: 36_500, description: 'Raw observations are kept this many whole UTC days before today, then their daily partitions are dropped; 0 (the default, so an upgrade never deletes history) keeps them forever; docs/SCALING.md sizes 30. Kanohi keeps its heatmap roll-ups either way' }),
    inferenceThreads: Type.Integer({ env: 'SCOUTER_INFERENCE_THREADS', default: 2, minimum: 1, maximum: 64, description: 'onnxruntime intra-op threads of the detector' }),
  },
  { additionalProperties: false },
);
export type ScouterConfig = Static<typeof ScouterConfig>;

export function loadScouterConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ScouterConfig> = {}): ScouterConfig {
  return loadConfig(ScouterConfig, { prefixes: ['SCOUTER_'], env, overrides });
}
