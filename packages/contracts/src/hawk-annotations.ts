import { Type, type Static } from '@sinclair/typebox';
import { Coordinate, FrameIndex, Id } from './common.ts';

/** x1, y1, x2, y2 in pixels of the video frame. */
export const HawkXyxy = Type.Tuple([Coordinate, Coordinate, Coordinate, Coordinate]);
export type HawkXyxy = Static<typeof HawkXyxy>;

// Frame numbering: every `frame*` field and frame key of this API is a 0-based index into the
// extracted frames; people, the editor, error sentences and MOT/COCO/YOLO file names count from 1
// (frame number = index + 1). Sentences give both where a field is named ("frameTo 9 (frame 10)").

/**
 * One attribute value. A JSON-schema type list, not anyOf: the route validator coerces types, and
 * with anyOf [string, ...] it turned every checkbox `false` and number into a string on save.
 */
export const HawkAttributeValue = Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'] });
export const HawkAttributeValues = Type.Record(Type.String(), HawkAttributeValue);
export type HawkAttributeValues = Static<typeof HawkAttributeValues>;

/**
 * Bounds of annotation data, one set for saves and imports alike: a frame holds at most
 * `boxesPerFrame` boxes, one save or import writes at most `tracksPerSave` tracks, a track at most
 * `keyframesPerTrack` keyframes, an import file is at most `importBytes` long, and a read answers at
 * most `boxesPerRead` boxes (ask a narrower from/to beyond that).
 */
export const HAWK_LIMITS = {
  boxesPerFrame: 1000,
  tracksPerSave: 1000,
  keyframesPerTrack: 20_000,
  importBytes: 64 * 1024 * 1024,
  boxesPerRead: 200_000,
} as const;

/** One box on one frame (not part of a track). `id` is chosen by the client and stable across saves. */
export const HawkBox = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    label: Type.String({ minLength: 1, maxLength: 64 }),
    xyxy: HawkXyxy,
    attributes: HawkAttributeValues,
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type HawkBox = Static<typeof HawkBox>;

/** A track keyframe; frames between keyframes are interpolated linearly; `outside` hides the object from here on. */
export const HawkKeyframe = Type.Object({ frame: FrameIndex, xyxy: HawkXyxy, outside: Type.Boolean({ default: false }) }, { additionalProperties: false });
export type HawkKeyframe = Static<typeof HawkKeyframe>;

export const HawkTrack = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    label: Type.String({ minLength: 1, maxLength: 64 }),
    attributes: HawkAttributeValues,
    keyframes: Type.Array(HawkKeyframe, { minItems: 1, maxItems: HAWK_LIMITS.keyframesPerTrack }),
  },
  { additionalProperties: false },
);
export type HawkTrack = Static<typeof HawkTrack>;

export const HawkSetKind = Type.Union([Type.Literal('main'), Type.Literal('replica'), Type.Literal('merged')]);
export type HawkSetKind = Static<typeof HawkSetKind>;

export const HawkAnnotationSetInfo = Type.Object({
  id: Type.Integer(),
  videoId: Type.Integer(),
  kind: HawkSetKind,
  assignmentId: Type.Union([Type.Integer(), Type.Null()]),
  annotatorId: Type.Union([Type.Integer(), Type.Null()]),
  annotator: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  updatedAt: Type.String(),
  /** The assignment's range for replica and merged sets, as 0-based indices (shown as index + 1); null for the main set. */
  frameFrom: Type.Union([Type.Integer(), Type.Null()]),
  frameTo: Type.Union([Type.Integer(), Type.Null()]),
});
export type HawkAnnotationSetInfo = Static<typeof HawkAnnotationSetInfo>;

/** `GET /sets/:id/annotations?from&to`: boxes by frame index (as string keys) and the tracks touching the range. */
export const HawkAnnotations = Type.Object({
  set: HawkAnnotationSetInfo,
  frames: Type.Record(Type.String(), Type.Array(HawkBox)),
  tracks: Type.Array(HawkTrack),
});
export type HawkAnnotations = Static<typeof HawkAnnotations>;

/**
 * `PATCH /sets/:id/annotations`: an incremental save. Each listed frame's boxes are replaced, tracks
 * are upserted by id, deleted tracks removed. `baseVersion` must equal the set's version or the
 * answer is 409 with the current version (nothing is written).
 */
export const HawkSaveBody = Type.Object(
  {
    baseVersion: Type.Integer({ minimum: 0 }),
    // additionalProperties: a Record's pattern alone leaves keys that do not match it unchecked.
    frames: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9]{1,10}$' }), Type.Array(HawkBox, { maxItems: HAWK_LIMITS.boxesPerFrame }), { additionalProperties: false })),
    tracks: Type.Optional(Type.Array(HawkTrack, { maxItems: HAWK_LIMITS.tracksPerSave })),
    deletedTrackIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: HAWK_LIMITS.tracksPerSave })),
  },
  { additionalProperties: false },
);
export type HawkSaveBody = Static<typeof HawkSaveBody>;

export const HawkSaveResponse = Type.Object({ version: Type.Integer() });

export const HawkHistoryEntry = Type.Object({ version: Type.Integer(), userId: Type.Integer(), username: Type.String(), createdAt: Type.String(), patch: Type.Unknown() });
export type HawkHistoryEntry = Static<typeof HawkHistoryEntry>;

// ---- assignments, consensus, review ----

export const HawkAssignmentBody = Type.Object(
  { frameFrom: FrameIndex, frameTo: FrameIndex, annotatorIds: Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true }) },
  { additionalProperties: false },
);
export type HawkAssignmentBody = Static<typeof HawkAssignmentBody>;

export const HawkAssignment = Type.Object({
  id: Type.Integer(),
  videoId: Type.Integer(),
  frameFrom: Type.Integer(),
  frameTo: Type.Integer(),
  replicas: Type.Array(HawkAnnotationSetInfo),
});
export type HawkAssignment = Static<typeof HawkAssignment>;

/** `POST /assignments/:id/merge`: CVAT-like consensus parameters. */
export const HawkMergeBody = Type.Object(
  {
    minIou: Type.Number({ minimum: 0.05, maximum: 1, default: 0.5, description: 'smallest IoU for two boxes to be the same object' }),
    quorum: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'share of replicas that must have drawn an object to keep it' }),
  },
  { additionalProperties: false },
);
export type HawkMergeBody = Static<typeof HawkMergeBody>;

/**
 * One annotator's agreement with a merge. `score` = matched / (drawn + kept - matched) as before;
 * the parts: `box` = share of the annotator's boxes that joined a kept object (same object, IoU >= minIou);
 * `class` = share of those whose class won the vote; `attributes` = share of attribute values of those
 * that won their vote (1 when there were none).
 */
export const HawkAgreement = Type.Object({
  annotatorId: Type.Integer(),
  username: Type.String(),
  score: Type.Number(),
  matched: Type.Integer(),
  total: Type.Integer(),
  box: Type.Optional(Type.Number()),
  class: Type.Optional(Type.Number()),
  attributes: Type.Optional(Type.Number()),
});
export type HawkAgreement = Static<typeof HawkAgreement>;

/** What one annotator drew for an object of a merge. */
export const HawkMergeMember = Type.Object({
  annotatorId: Type.Integer(),
  username: Type.String(),
  label: Type.String(),
  xyxy: HawkXyxy,
  attributes: HawkAttributeValues,
  trackId: Type.Union([Type.String(), Type.Null()]),
  /** IoU with the merged box (kept objects) or with the first member's box (dropped ones). */
  iou: Type.Number(),
});
export type HawkMergeMember = Static<typeof HawkMergeMember>;

/**
 * One object of a merge on one frame: the boxes of different annotators that overlapped enough
 * (IoU >= minIou) to be one object. `frame` is the 0-based index (shown as frame + 1).
 * `problems` says in words what disagreed or why the object was dropped.
 */
export const HawkMergeObject = Type.Object({
  frame: Type.Integer({ description: '0-based frame index' }),
  status: Type.Union([Type.Literal('kept'), Type.Literal('dropped')]),
  label: Type.String(),
  xyxy: HawkXyxy,
  votes: Type.Integer(),
  needed: Type.Integer(),
  members: Type.Array(HawkMergeMember),
  classAgreed: Type.Boolean(),
  attributesAgreed: Type.Boolean(),
  problems: Type.Array(Type.String()),
});
export type HawkMergeObject = Static<typeof HawkMergeObject>;

export const HawkMergeResult = Type.Object({
  runId: Type.Integer(),
  resultSetId: Type.Integer(),
  kept: Type.Integer(),
  dropped: Type.Integer(),
  agreement: Type.Array(HawkAgreement),
  /** Objects with a disagreement or dropped, first 500 (by frame); objects every annotator drew alike are only counted. */
  objects: Type.Optional(Type.Array(HawkMergeObject)),
  /** Objects every annotator drew with the same class and attributes. */
  unanimous: Type.Optional(Type.Integer()),
});
export type HawkMergeResult = Static<typeof HawkMergeResult>;

export const HawkReviewBody = Type.Object(
  {
    frameFrom: FrameIndex,
    frameTo: FrameIndex,
    decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
    comment: Type.String({ maxLength: 4000, default: '' }),
  },
  { additionalProperties: false },
);
export type HawkReviewBody = Static<typeof HawkReviewBody>;

export const HawkReview = Type.Object({
  id: Type.Integer(),
  setId: Type.Integer(),
  frameFrom: Type.Integer(),
  frameTo: Type.Integer(),
  decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
  comment: Type.String(),
  reviewer: Type.String(),
  createdAt: Type.String(),
});
export type HawkReview = Static<typeof HawkReview>;

export const HawkExportFormat = Type.Union([Type.Literal('hawk'), Type.Literal('coco'), Type.Literal('mot'), Type.Literal('yolo')]);
export type HawkExportFormat = Static<typeof HawkExportFormat>;
/** Files POST /videos/:id/import reads: MOTChallenge text, COCO JSON, Hawk JSON. */
export const HawkImportFormat = Type.Union([Type.Literal('mot'), Type.Literal('coco'), Type.Literal('hawk')]);
export type HawkImportFormat = Static<typeof HawkImportFormat>;

/**
 * Hawk JSON export (format "hawk-annotations", version 1): approved boxes only, tracks expanded to
 * per-frame boxes with their `trackId`. Frame indices are Hawk's extracted-frame numbers (0-based);
 * `sourceFrame` = frame * frameStep.
 */
export const HawkExportDocument = Type.Object({
  format: Type.Literal('hawk-annotations'),
  version: Type.Literal(1),
  video: Type.Object({ id: Type.Integer(), fileName: Type.String(), width: Type.Integer(), height: Type.Integer(), fps: Type.Number(), frameStep: Type.Integer(), frameCount: Type.Integer() }),
  classes: Type.Array(Type.String()),
  frames: Type.Array(
    Type.Object({
      frame: Type.Integer(),
      sourceFrame: Type.Integer(),
      boxes: Type.Array(Type.Object({ label: Type.String(), xyxy: HawkXyxy, attributes: HawkAttributeValues, trackId: Type.Union([Type.String(), Type.Null()]) })),
    }),
  ),
});
export type HawkExportDocument = Static<typeof HawkExportDocument>;

/**
 * What `POST /videos/:id/import?format=hawk` accepts: a Hawk JSON export (the `video` block and
 * `sourceFrame` are informative and may be left out), bounded like saves. Checked with TypeBox's
 * Value (not the route validator), so attribute values are a plain union here.
 */
export const HawkImportDocument = Type.Object({
  format: Type.Literal('hawk-annotations'),
  version: Type.Literal(1),
  video: Type.Optional(Type.Unknown()),
  classes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 })),
  frames: Type.Array(
    Type.Object({
      frame: FrameIndex,
      sourceFrame: Type.Optional(Type.Integer()),
      boxes: Type.Array(Type.Object({ label: Type.String({ minLength: 1, maxLength: 64 }), xyxy: HawkXyxy, attributes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])), trackId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]) }), { maxItems: HAWK_LIMITS.boxesPerFrame + HAWK_LIMITS.tracksPerSave }),
    }),
  ),
});
export type HawkImportDocument = Static<typeof HawkImportDocument>;

/** `POST /videos/:id/import?format=mot|coco|hawk`: result of writing imported boxes to a set. */
export const HawkImportResult = Type.Object({ setId: Type.Integer(), version: Type.Integer(), boxes: Type.Integer(), frames: Type.Integer() });
export type HawkImportResult = Static<typeof HawkImportResult>;

// ---- model-assisted pre-labeling (job table hawk_prelabel_jobs, NOTIFY channel hawk_prelabel) ----

/** Which detector class fills which class of the project's schema. */
export const HawkPrelabelClass = Type.Object({ detector: Type.String({ minLength: 1 }), label: Type.String({ minLength: 1 }) }, { additionalProperties: false });
export type HawkPrelabelClass = Static<typeof HawkPrelabelClass>;

/** `POST /videos/:id/prelabel`: ask the detector (run by a Scouter worker) to pre-fill a frame range. */
export const HawkPrelabelBody = Type.Object(
  {
    frameFrom: FrameIndex,
    frameTo: FrameIndex,
    setId: Type.Optional(Type.Integer({ minimum: 1, maximum: Id.maximum, description: 'set that receives the boxes (default: the main set)' })),
    classes: Type.Optional(Type.Array(HawkPrelabelClass, { minItems: 1, maxItems: 80, description: 'default: person -> person' })),
    model: Type.Union([Type.Literal('centernet'), Type.Literal('nanodet')], { default: 'centernet', description: "the detector Scouter runs: centernet, or nanodet (more people found and kept, see services/hawk/README.md; its weights are fetched on the Scouter machine with `npx sightline models fetch nanodet`, else the job fails saying so); both find COCO's classes" }),
    scoreThreshold: Type.Number({ minimum: 0.05, maximum: 1, default: 0.4 }),
    track: Type.Boolean({ default: true, description: 'link boxes over frames into tracks (ByteTrack)' }),
    replace: Type.Boolean({ default: false, description: "remove earlier model boxes and tracks of the range that nobody edited since; people's boxes are kept" }),
  },
  { additionalProperties: false },
);
export type HawkPrelabelBody = Static<typeof HawkPrelabelBody>;

export const HawkPrelabelStatus = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('applied'), Type.Literal('failed')]);
export type HawkPrelabelStatus = Static<typeof HawkPrelabelStatus>;

export const HawkPrelabelJob = Type.Object({
  id: Type.Integer(),
  videoId: Type.Integer(),
  setId: Type.Integer(),
  frameFrom: Type.Integer(),
  frameTo: Type.Integer(),
  model: Type.String(),
  classes: Type.Array(HawkPrelabelClass),
  scoreThreshold: Type.Number(),
  track: Type.Boolean(),
  replace: Type.Boolean(),
  status: HawkPrelabelStatus,
  framesDone: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  worker: Type.Union([Type.String(), Type.Null()]),
  /** Version of the set the boxes were written as (status applied). */
  appliedVersion: Type.Union([Type.Integer(), Type.Null()]),
  /** Detections found and tracks linked (status done or applied). */
  boxes: Type.Union([Type.Integer(), Type.Null()]),
  tracks: Type.Union([Type.Integer(), Type.Null()]),
  /** Boxes and tracks of earlier model runs removed when written with `replace` (status applied). */
  replaced: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
});
export type HawkPrelabelJob = Static<typeof HawkPrelabelJob>;

export type * from './hawk-events.ts';

/** JSON with object keys sorted, so two annotation values read back from jsonb compare by content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Equal content whatever the key order (jsonb reorders keys); undefined members count as absent. */
export const sameContent = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
