import { securityBasics } from '@sightline/auth';
import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Scouter, read from the environment (see .env.example); unknown SCOUTER_* keys are errors. */
export const ScouterConfig = Type.Object(
  {
    ...securityBasics(),
    ...serviceBasics('SCOUTER', 3002),
    mediaRoots: Type.String({ env: 'SCOUTER_MEDIA_ROOTS', default: '', description: 'Comma-separated folders camera video files must be in (links out of them are refused); empty = <SIGHTLINE_DATA_DIR>/media and ./videos' }),
    allowNetworks: Type.String({ env: 'SCOUTER_ALLOW_NETWORKS', default: '', description: 'Comma-separated CIDRs, addresses or host names cameras may reach although loopback, link-local or private (e.g. 192.168.1.0/24 for LAN cameras; * = any); empty = public addresses only' }),
    worker: Type.Boolean({ env: 'SCOUTER_WORKER', default: true, description: 'Run camera pipelines in this process (false: HTTP API only)' }),
    maxCameras: Type.Integer({ env: 'SCOUTER_MAX_CAMERAS', default: 8, minimum: 1, maximum: 256, description: 'Most cameras one worker runs at once' }),
    leaseTtlMs: Type.Integer({ env: 'SCOUTER_LEASE_TTL_MS', default: 15_000, minimum: 1000, description: 'A camera lease not renewed for this long moves to another worker' }),
    heartbeatMs: Type.Integer({ env: 'SCOUTER_HEARTBEAT_MS', default: 3000, minimum: 100, description: 'How often a worker renews its leases and claims free cameras (keep well below the lease TTL)' }),
    stallMs: Type.Integer({ env: 'SCOUTER_STALL_MS', default: 10_000, minimum: 500, description: 'A stream that yields no frame for this long is reconnected' }),
    reconnectMaxMs: Type.Integer({ env: 'SCOUTER_RECONNECT_MAX_MS', default: 30_000, minimum: 100, description: 'Longest wait between reconnect attempts (exponential backoff from 500 ms)' }),
    previewFps: Type.Number({ env: 'SCOUTER_PREVIEW_FPS', default: 2, minimum: 0, maximum: 30, description: 'JPEG previews (scouter:frame) per second of a camera shown in a grid; 0 turns previews off' }),
    previewFocusFps: Type.Number({ env: 'SCOUTER_PREVIEW_FOCUS_FPS', default: 8, minimum: 0, maximum: 30, description: 'JPEG previews per second of a camera some page shows in its large view (full frame size)' }),
    previewGridWidth: Type.Integer({ env: 'SCOUTER_PREVIEW_GRID_WIDTH', default: 320, minimum: 64, maximum: 4096, description: 'Grid previews are scaled down to at most this width (pixels)' }),
    attributeMinConfidence: Type.Number({ env: 'SCOUTER_ATTRIBUTE_MIN_CONFIDENCE', default: 0.6, minimum: 0, maximum: 1, description: 'Attribute values (age, gender) below this confidence are shown as "unknown" and do not match event filters' }),
    eventRetentionHours: Type.Number({ env: 'SCOUTER_EVENT_RETENTION_HOURS', default: 168, minimum: 0.01, description: 'Events (with their snapshots) older than this are deleted' }),
    eventMaxPerCamera: Type.Integer({ env: 'SCOUTER_EVENT_MAX_PER_CAMERA', default: 10_000, minimum: 10, description: 'Most events kept per camera; the oldest beyond it are deleted' }),
    eventTrackMinFrames: Type.Integer({ env: 'SCOUTER_EVENT_TRACK_MIN_FRAMES', default: 3, minimum: 1, description: 'A track raises events once it was seen in this many processed frames (filters one-frame flickers)' }),
    webhookTimeoutMs: Type.Integer({ env: 'SCOUTER_WEBHOOK_TIMEOUT_MS', default: 5000, minimum: 100, description: 'A webhook receiver that does not answer within this is counted as failed' }),
    batchMs: Type.Integer({ env: 'SCOUTER_BATCH_MS', default: 500, minimum: 10, description: 'Observations are written to PostgreSQL in one transaction per camera at most this often' }),
    bufferRows: Type.Integer({ env: 'SCOUTER_BUFFER_ROWS', default: 50_000, minimum: 100, maximum: 10_000_000, description: 'Observation rows each camera keeps in memory while PostgreSQL is unreachable and writes once it is back; past this the oldest are dropped and counted (scouter_observations_dropped_total)' }),
    trainingWorker: Type.Boolean({ env: 'SCOUTER_TRAINING_WORKER', default: true, description: 'Run queued attribute-head training jobs in this process, one at a time (needs SCOUTER_WORKER)' }),
    hawkUrl: Type.String({ env: 'SCOUTER_HAWK_URL', default: 'http://127.0.0.1:3001', pattern: '^https?://', description: "Hawk's address as seen from this Scouter: pre-labeling and training jobs read labels and frames from its API there (npm start sets it from HAWK_PORT)" }),
    hawkToken: Type.String({ env: 'SCOUTER_HAWK_TOKEN', default: '', description: "A read-only Hawk API token (of a reviewer or admin who may see the projects to train on): training reads the approved labels and their frames through Hawk's API with it; empty: `npm start` gives Scouter a fresh one of the first admin at each start; otherwise training jobs fail with a message asking for it" }),
    retentionDays: Type.Integer({ env: 'SCOUTER_RETENTION_DAYS', default: 0, minimum: 0, maximum: 36_500, description: 'Raw observations are kept this many whole UTC days before today, then their daily partitions are dropped; 0 (the default, so an upgrade never deletes history) keeps them forever; docs/SCALING.md sizes 30. Kanohi keeps its heatmap roll-ups either way' }),
    detectorCards: Type.String({ env: 'SCOUTER_DETECTOR_CARDS', default: '', description: 'Comma-separated detector card JSON files (a user ONNX model each, see packages/models README); each card\'s name becomes a detector model flows and cameras may name beside centernet' }),
    inferenceThreads: Type.Integer({ env: 'SCOUTER_INFERENCE_THREADS', default: 2, minimum: 1, maximum: 64, description: 'onnxruntime intra-op threads of the detector' }),
  },
  { additionalProperties: false },
);
export type ScouterConfig = Static<typeof ScouterConfig>;

export function loadScouterConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ScouterConfig> = {}): ScouterConfig {
  return loadConfig(ScouterConfig, { prefixes: ['SCOUTER_'], env, overrides });
}
