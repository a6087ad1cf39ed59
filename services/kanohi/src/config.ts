import { securityBasics } from '@sightline/auth';
import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Kanohi, read from the environment (see .env.example); unknown KANOHI_* keys are errors. */
export const KanohiConfig = Type.Object(
  {
    ...securityBasics(),
    ...serviceBasics('KANOHI', 3003),
    maxImageBytes: Type.Integer({ env: 'KANOHI_MAX_IMAGE_BYTES', default: 20 * 1024 * 1024, minimum: 1024, description: 'Largest floor-plan or snapshot upload' }),
    maxImagePixels: Type.Integer({ env: 'KANOHI_MAX_IMAGE_PIXELS', default: 50_000_000, minimum: 1, maximum: 500_000_000, description: 'Largest floor-plan or snapshot picture in pixels (width x height); larger ones are refused before decoding' }),
    mergeDistanceM: Type.Number({ env: 'KANOHI_MERGE_DISTANCE_M', default: 1, minimum: 0, description: 'Tracks of two cameras closer than this on the floor are one person' }),
    mergeGapMs: Type.Integer({ env: 'KANOHI_MERGE_GAP_MS', default: 1000, minimum: 0, description: '...when seen at most this far apart in time' }),
    handoverMs: Type.Integer({ env: 'KANOHI_HANDOVER_MS', default: 300, minimum: 0, description: 'A person seen by several cameras counts from one camera at a time; another takes over after the first has not reported them for this long' }),
    backfillBatch: Type.Integer({ env: 'KANOHI_BACKFILL_BATCH', default: 5000, minimum: 1, maximum: 1_000_000, description: 'Observations projected per step of a backfill job after a calibration is saved' }),
    linkGapMs: Type.Integer({ env: 'KANOHI_LINK_GAP_MS', default: 3000, minimum: 0, description: 'Counts: a track starting at most this long after another ended, near where it ended, is the same floor person (tracker breaks)' }),
    linkDistanceM: Type.Number({ env: 'KANOHI_LINK_DISTANCE_M', default: 1, minimum: 0, description: '...starting at most this far from where the other ended...' }),
    linkSpeedMps: Type.Number({ env: 'KANOHI_LINK_SPEED_MPS', default: 1.5, minimum: 0, description: '...plus this walking speed times the gap' }),
    minDwellMs: Type.Integer({ env: 'KANOHI_MIN_DWELL_MS', default: 700, minimum: 0, description: 'Counts ignore tracks (after cross-camera merging) seen for less than this: flickers and passing false detections (a false box followed for a few frames lasts up to about 0.6 s; broken pieces of real people measured from 0.8 s)' }),
    markerGraceMs: Type.Integer({ env: 'KANOHI_MARKER_GRACE_MS', default: 1500, minimum: 0, maximum: 600_000, description: 'A live marker stays this long after its person was last seen, then fades out' }),
    stationaryMs: Type.Integer({ env: 'KANOHI_STATIONARY_MS', default: 120_000, minimum: 1000, description: 'A detection that stays within KANOHI_STATIONARY_RADIUS_M for this long is stationary: flagged, and left out of heatmaps and people counts unless asked for' }),
    stationaryRadiusM: Type.Number({ env: 'KANOHI_STATIONARY_RADIUS_M', default: 0.5, minimum: 0, description: '...moving less than this from where it stood' }),
    stationaryLifeMs: Type.Integer({ env: 'KANOHI_STATIONARY_LIFE_MS', default: 20_000, minimum: 1000, description: 'Sooner: a track that never moved more than KANOHI_STATIONARY_LIFE_RADIUS_M from where it was first seen, over a life this long, is stationary from its start (people walk into view; a false positive on the floor does not)' }),
    stationaryLifeRadiusM: Type.Number({ env: 'KANOHI_STATIONARY_LIFE_RADIUS_M', default: 0.3, minimum: 0, description: '...moving less than this from its first position' }),
    retentionDays: Type.Integer({ env: 'KANOHI_RETENTION_DAYS', default: 0, minimum: 0, maximum: 36_500, description: 'Raw floor points (what zone, line and count statistics read) are kept this many whole UTC days before today, then their daily partitions are dropped; heatmap roll-ups are kept. 0 (the default, so an upgrade never deletes history) keeps them forever; docs/SCALING.md sizes 30' }),
    ingestBatch: Type.Integer({ env: 'KANOHI_INGEST_BATCH', default: 32, minimum: 1, maximum: 10_000, description: "Scouter notices that waited while the previous batch ran are ingested together, up to this many (one projection, one identity pass and one store transaction); 1 handles them one at a time" }),
    readDatabaseUrl: Type.String({ env: 'KANOHI_READ_DATABASE_URL', default: '', description: 'A read replica (or any connection that sees the primary\'s data) for the dashboards\' heavy reads: heatmaps, statistics and people queries go there; writes, the ingest and LISTEN stay on DATABASE_URL. Empty reads from DATABASE_URL' }),
    trailPoints: Type.Integer({ env: 'KANOHI_TRAIL_POINTS', default: 20, minimum: 1, maximum: 1000, description: 'Positions kept per live marker trail' }),
  },
  { additionalProperties: false },
);
export type KanohiConfig = Static<typeof KanohiConfig>;

export function loadKanohiConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<KanohiConfig> = {}): KanohiConfig {
  return loadConfig(KanohiConfig, { prefixes: ['KANOHI_'], env, overrides });
}
