// The pre-labeling contract between Hawk and Scouter. Hawk owns the job table (hawk_prelabel_jobs,
// migrations 0006, 0008, 0018) and queues a job per frame range; a Scouter worker may claim a
// queued job, report progress and store its result or error, and nothing else. What travels is
// checked against these schemas on both sides:
// - the work a claim hands the worker (HawkPrelabelWork), validated by Scouter before it runs;
// - the frames: fetched from Hawk's API (GET /videos/:id/frames) with the job's framesToken, a
//   read-only Hawk API token of the person who asked, revoked once the job has run (0018);
// - the result (HawkPrelabelResult), validated by Scouter before it stores it and by Hawk before
//   it writes the boxes into the set;
// - the NOTIFY hawk_prelabel notice (HawkPrelabelNotice), validated by both listeners.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FrameIndex, Id } from './common.ts';
import { HawkPrelabelClass, HawkPrelabelStatus, HawkXyxy } from './hawk-annotations.ts';

/** What a worker gets when it claims a job: the range to run and how, and how to read the frames. */
export const HawkPrelabelWork = Type.Object({
  id: Id,
  videoId: Id,
  frameFrom: FrameIndex,
  frameTo: FrameIndex,
  model: Type.String({ minLength: 1 }),
  classes: Type.Array(HawkPrelabelClass, { minItems: 1 }),
  scoreThreshold: Type.Number({ minimum: 0, maximum: 1 }),
  track: Type.Boolean(),
  /** Rate of the extracted frames (the tracker's motion model). */
  fps: Type.Number({ exclusiveMinimum: 0 }),
  /** Bearer token for `GET /videos/:videoId/frames` on Hawk: read-only, Hawk only, this job's lifetime. */
  framesToken: Type.String({ minLength: 1 }),
});
export type HawkPrelabelWork = Static<typeof HawkPrelabelWork>;

/** One detector box of a pre-labeling result, already mapped to a label of the project's schema. */
export const HawkPrelabelBox = Type.Object(
  {
    label: Type.String({ minLength: 1 }),
    xyxy: HawkXyxy,
    score: Type.Number({ minimum: 0, maximum: 1 }),
    trackId: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * What the worker stores in `hawk_prelabel_jobs.result`: per frame of the range, the detector's boxes
 * (already mapped to schema labels) in frame pixels, with the tracker's id or null.
 */
export const HawkPrelabelResult = Type.Object(
  { frames: Type.Array(Type.Object({ frame: FrameIndex, boxes: Type.Array(HawkPrelabelBox) }, { additionalProperties: false })) },
  { additionalProperties: false },
);
export type HawkPrelabelResult = Static<typeof HawkPrelabelResult>;

/** Payload of NOTIFY `hawk_prelabel`, sent by a trigger on every status change of a job. */
export const HawkPrelabelNotice = Type.Object({ id: Id, status: HawkPrelabelStatus });
export type HawkPrelabelNotice = Static<typeof HawkPrelabelNotice>;

/** A value that does not match its contract: says which one, where and why. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

/**
 * `value` typed by `schema`, or a {@link ContractError} naming `what` and the first mismatch.
 * @example const notice = checkContract(HawkPrelabelNotice, JSON.parse(payload), 'hawk_prelabel notice');
 */
export function checkContract<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  if (Value.Check(schema, value)) return value;
  const first = Value.Errors(schema, value).First();
  throw new ContractError(`${what} does not match its contract: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`);
}
