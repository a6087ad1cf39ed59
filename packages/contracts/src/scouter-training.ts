import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A value, or a list of values: each list is one axis of the job grid (as DIGITS does). */
const axis = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Array(schema, { minItems: 1, maxItems: 20 })]);

export const TrainHeadKind = Type.Union([Type.Literal('linear'), Type.Literal('mlp'), Type.Literal('conv')]);
export type TrainHeadKind = Static<typeof TrainHeadKind>;
export const TrainOptimizer = Type.Union([Type.Literal('sgd'), Type.Literal('adam')]);
export const TrainClassWeighting = Type.Union([Type.Literal('none'), Type.Literal('balanced')]);

/**
 * `sightline train --config train.json` and `POST /training/jobs`: which Hawk labels to learn and
 * how. Every attribute listed trains its own head on one shared feature cache; list-valued
 * settings make a grid of jobs (attributes x every combination).
 */
export const TrainConfig = Type.Object(
  {
    project: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Integer({ minimum: 1 })], { description: 'Hawk project name or id' }),
    attributes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 16, description: 'attributes of the label schema (select or checkbox) to learn, one head each' }),
    classes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, description: 'box labels to learn from (default: every class that has the attribute)' })),
    head: Type.Optional(axis(TrainHeadKind)),
    hidden: Type.Optional(axis(Type.Integer({ minimum: 2, maximum: 4096 }))),
    filters: Type.Optional(axis(Type.Integer({ minimum: 1, maximum: 256 }))),
    dropout: Type.Optional(axis(Type.Number({ minimum: 0, maximum: 0.9 }))),
    epochs: Type.Optional(axis(Type.Integer({ minimum: 1, maximum: 1000 }))),
    batchSize: Type.Optional(axis(Type.Integer({ minimum: 1, maximum: 4096 }))),
    lr: Type.Optional(axis(Type.Number({ exclusiveMinimum: 0, maximum: 10 }))),
    optimizer: Type.Optional(axis(TrainOptimizer)),
    momentum: Type.Optional(axis(Type.Number({ minimum: 0, maximum: 0.999 }))),
    weightDecay: Type.Optional(axis(Type.Number({ minimum: 0, maximum: 1 }))),
    seed: Type.Optional(axis(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }))),
    classWeighting: Type.Optional(axis(TrainClassWeighting)),
    validation: Type.Optional(
      Type.Object(
        { by: Type.Union([Type.Literal('track'), Type.Literal('video')]), fraction: Type.Number({ exclusiveMinimum: 0, maximum: 0.9 }) },
        { additionalProperties: false },
      ),
    ),
    roiSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 14, description: 'ROI-align output side on the detector feature map' })),
  },
  { additionalProperties: false },
);
export type TrainConfig = Static<typeof TrainConfig>;

/** One job of the grid: every setting resolved to a single value. */
export const TrainJobConfig = Type.Object(
  {
    project: Type.Union([Type.String(), Type.Integer()]),
    attribute: Type.String(),
    classes: Type.Optional(Type.Array(Type.String())),
    head: TrainHeadKind,
    hidden: Type.Integer(),
    filters: Type.Integer(),
    dropout: Type.Number(),
    epochs: Type.Integer(),
    batchSize: Type.Integer(),
    lr: Type.Number(),
    optimizer: TrainOptimizer,
    momentum: Type.Number(),
    weightDecay: Type.Number(),
    seed: Type.Integer(),
    classWeighting: TrainClassWeighting,
    validation: Type.Object({ by: Type.Union([Type.Literal('track'), Type.Literal('video')]), fraction: Type.Number() }),
    roiSize: Type.Integer(),
  },
  { additionalProperties: false },
);
export type TrainJobConfig = Static<typeof TrainJobConfig>;

export const TrainJobStatus = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('cancelled')]);
export type TrainJobStatus = Static<typeof TrainJobStatus>;

export const TrainEpoch = Type.Object({
  epoch: Type.Integer(),
  trainLoss: Type.Number(),
  trainAccuracy: Type.Number(),
  valLoss: Type.Number(),
  valAccuracy: Type.Number(),
  seconds: Type.Number(),
});
export type TrainEpoch = Static<typeof TrainEpoch>;

/** Validation metrics of the kept weights: confusion[true][predicted] counts boxes. */
export const TrainMetrics = Type.Object({
  labels: Type.Array(Type.String()),
  bestEpoch: Type.Integer(),
  valAccuracy: Type.Number(),
  majorityAccuracy: Type.Number({ description: 'accuracy of always answering the most common training label, on the validation boxes' }),
  confusion: Type.Array(Type.Array(Type.Integer())),
  perClass: Type.Array(Type.Object({ label: Type.String(), precision: Type.Number(), recall: Type.Number(), support: Type.Integer() })),
  wrong: Type.Array(
    Type.Object({
      boxId: Type.String(),
      truth: Type.String(),
      predicted: Type.String(),
      score: Type.Number(),
      xyxy: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'the box in its frame, pixels; GET /training/jobs/:id/wrong/:index/crop.jpg cuts it out' })),
    }),
    { description: 'validation boxes the head gets wrong (most confident first, at most 24)' },
  ),
  boxesPerSecond: Type.Number({ description: 'training boxes processed per second (forward + backward + step)' }),
});
export type TrainMetrics = Static<typeof TrainMetrics>;

export const TrainJob = Type.Object({
  id: Type.Integer(),
  gridId: Type.String(),
  name: Type.String(),
  status: TrainJobStatus,
  config: TrainJobConfig,
  progress: Type.Number(),
  epochs: Type.Array(TrainEpoch),
  metrics: Type.Union([TrainMetrics, Type.Null()]),
  dataset: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  cancelRequested: Type.Boolean(),
  headId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type TrainJob = Static<typeof TrainJob>;

export const AttributeHeadVersion = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  version: Type.Integer(),
  jobId: Type.Union([Type.Integer(), Type.Null()]),
  labels: Type.Array(Type.String()),
  metrics: TrainMetrics,
  deployed: Type.Boolean(),
  createdAt: Type.String(),
});
export type AttributeHeadVersion = Static<typeof AttributeHeadVersion>;

/** `POST /heads/:name/deploy`: make `version` the deployed one (an earlier one is a rollback). */
export const DeployHeadBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export type DeployHeadBody = Static<typeof DeployHeadBody>;

/** `scouter:training` (socket.io): a job's status changed or it finished an epoch (live curves). */
export const TrainingProgressEvent = Type.Object({
  jobId: Type.Integer(),
  status: TrainJobStatus,
  progress: Type.Number(),
  epoch: Type.Union([TrainEpoch, Type.Null()]),
});
export type TrainingProgressEvent = Static<typeof TrainingProgressEvent>;

export const TrainJobList = Type.Object({ jobs: Type.Array(TrainJob) });
export const AttributeHeadList = Type.Object({ heads: Type.Array(AttributeHeadVersion) });
export const TrainJobParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
/** `GET /training/jobs/:id/wrong/:index/crop.jpg`: the index-th box of the job's `metrics.wrong`. */
export const WrongCropParams = Type.Object({ id: Type.Integer({ minimum: 1 }), index: Type.Integer({ minimum: 0, maximum: 23 }) });
export const HeadNameParams = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }) });
export const HeadVersionParams = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), version: Type.Integer({ minimum: 1 }) });
export const TrainConfigRejected = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String(), problems: Type.Array(Type.String()) });
