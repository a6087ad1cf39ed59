import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Kanohi, read from the environment (see .env.example); unknown KANOHI_* keys are errors. */
export const KanohiConfig = Type.Object(
  {
    ...serviceBasics('KANOHI', 3003),
    maxImageBytes: Type.Integer({ env: 'KANOHI_MAX_IMAGE_BYTES', default: 20 * 1024 * 1024, minimum: 1024, description: 'Largest floor-plan or snapshot upload' }),
    mergeDistanceM: Type.Number({ env: 'KANOHI_MERGE_DISTANCE_M', default: 1, minimum: 0, description: 'Tracks of two cameras closer than this on the floor are one person' }),
    mergeGapMs: Type.Integer({ env: 'KANOHI_MERGE_GAP_MS', default: 1000, minimum: 0, description: '...when seen at most this far apart in time' }),
    handoverMs: Type.Integer({ env: 'KANOHI_HANDOVER_MS', default: 300, minimum: 0, description: 'A person seen by several cameras counts from one camera at a time; another takes over after the first has not reported them for this long' }),
    backfillBatch: Type.Integer({ env: 'KANOHI_BACKFILL_BATCH', default: 5000, minimum: 1, maximum: 1_000_000, description: 'Observations projected per step of a backfill job after a calibration is saved' }),
    retentionDays: Type.Integer({ env: 'KANOHI_RETENTION_DAYS', default: 0, minimum: 0, maximum: 36_500, description: 'Raw floor points (what zone, line and count statistics read) are kept this many whole UTC days before today, then their daily partitions are dropped; heatmap roll-ups are kept. 0 (the default, so an upgrade never deletes history) keeps them forever; docs/SCALING.md sizes 30' }),
    trailPoints: Type.Integer({ env: 'KANOHI_TRAIL_POINTS', default: 20, minimum: 1, maximum: 1000, description: 'Positions kept per live marker trail' }),
  },
  { additionalProperties: false },
);
export type KanohiConfig = Static<typeof KanohiConfig>;

export function loadKanohiConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<KanohiConfig> = {}): KanohiConfig {
  return loadConfig(KanohiConfig, { prefixes: ['KANOHI_'], env, overrides });
}
