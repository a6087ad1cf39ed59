import { Type, type Static } from '@sinclair/typebox';
import { CameraRegions } from './scouter-console.ts';
import { Id } from './common.ts';

/** Where a camera's pipeline stands; `reconnecting` after a drop or stall, `ended` when a file played once. */
export const CameraState = Type.Union([
  Type.Literal('idle'),
  Type.Literal('starting'),
  Type.Literal('running'),
  Type.Literal('reconnecting'),
  Type.Literal('ended'),
  Type.Literal('failed'),
]);
export type CameraState = Static<typeof CameraState>;

/** Running statistics of one camera's pipeline, as the worker holding it last reported. */
export const CameraStats = Type.Object({
  framesDecoded: Type.Integer({ description: 'Frames the decoder delivered' }),
  framesProcessed: Type.Integer({ description: 'Frames that went through the pipeline and were published (detected, or predicted by the tracker)' }),
  framesDropped: Type.Integer({ description: 'Decoded frames skipped because inference was still busy with an earlier one (newest frame wins)' }),
  framesPredicted: Type.Integer({ description: "Processed frames whose boxes the tracker predicted instead of a detector pass: detect(..., every=N), or every='auto' keeping the camera's rate behind a busy engine" }),
  reconnects: Type.Integer({ description: 'Times the stream was reopened after it ended, failed or stalled' }),
  fps: Type.Number({ description: 'Processed frames per second, recent' }),
  latencyMsP50: Type.Union([Type.Number(), Type.Null()]),
  latencyMsP95: Type.Union([Type.Number(), Type.Null()]),
});
export type CameraStats = Static<typeof CameraStats>;

export const CameraName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$', description: 'Unique; letters, digits, space, _ . -' });
export const CameraUri = Type.String({ minLength: 1, maxLength: 2000, description: 'file:///path/video.mp4, rtsp://host/stream, http(s)://host/stream (MJPEG or HLS)' });

/**
 * Attribute heads a camera added over HTTP may ask for: face age and gender, or the name of a
 * deployed trained head (e.g. upper_colour), smoothed per track.
 */
export const AttributeHeadName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'age, gender, or a deployed trained head' });
export type AttributeHeadName = Static<typeof AttributeHeadName>;

/**
 * The attribute heads a camera runs, the same list on create and on update: a camera created with
 * age, gender and two trained heads must be able to send that list back when it is edited.
 */
export const CameraHeads = Type.Array(AttributeHeadName, { uniqueItems: true, maxItems: 8, description: 'Attribute heads to run on tracked people, e.g. ["age", "gender", "upper_colour"]; [] for none (the default on create)' });

/** The detector a camera's pipeline runs, by model name (GET /detectors lists them and which can run here). */
export const CameraDetector = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'centernet (the default), nanodet (after `npx sightline models fetch nanodet`), or a detector card named in SCOUTER_DETECTOR_CARDS; the tracker uses that detector\'s score calibration' });

/** `POST /cameras` body. */
export const CreateCameraBody = Type.Object(
  {
    name: CameraName,
    uri: CameraUri,
    fps: Type.Optional(Type.Number({ minimum: 0.01, maximum: 120, default: 10, description: 'Frames per second to decode' })),
    loop: Type.Optional(Type.Boolean({ default: false, description: 'Files only: start again at the end' })),
    attributes: Type.Optional(CameraHeads),
    detector: Type.Optional(CameraDetector),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    regions: Type.Optional(CameraRegions),
  },
  { additionalProperties: false },
);
export type CreateCameraBody = Static<typeof CreateCameraBody>;

/**
 * `PATCH /cameras/:id` body: any of the settable fields (the name too). Written out rather than
 * `Partial(CreateCameraBody)`: the create defaults (fps 10, loop false) would be filled into every
 * PATCH by the validator and silently reset what the PATCH left out.
 */
export const UpdateCameraBody = Type.Object(
  {
    name: Type.Optional(CameraName),
    uri: Type.Optional(CameraUri),
    fps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 120, description: 'Frames per second to decode' })),
    loop: Type.Optional(Type.Boolean({ description: 'Files only: start again at the end' })),
    attributes: Type.Optional(CameraHeads),
    detector: Type.Optional(CameraDetector),
    enabled: Type.Optional(Type.Boolean()),
    regions: Type.Optional(CameraRegions),
  },
  { additionalProperties: false },
);
export type UpdateCameraBody = Static<typeof UpdateCameraBody>;

export const CameraIdParams = Type.Object({ id: Id });

/** A camera as the API returns it: its settings, pipeline state and statistics. */
export const Camera = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  uri: Type.String(),
  fps: Type.Number(),
  loop: Type.Boolean(),
  enabled: Type.Boolean(),
  frameWidth: Type.Union([Type.Integer(), Type.Null()]),
  frameHeight: Type.Union([Type.Integer(), Type.Null()]),
  state: CameraState,
  stateMessage: Type.Union([Type.String(), Type.Null()]),
  workerId: Type.Union([Type.String(), Type.Null()]),
  flowId: Type.Union([Type.Integer(), Type.Null()]),
  attributes: Type.Array(Type.String(), { description: 'Attribute heads its pipeline runs' }),
  detector: Type.String({ description: 'The detector its pipeline runs' }),
  regions: CameraRegions,
  stats: CameraStats,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Camera = Static<typeof Camera>;

/** `GET /detectors`: the detectors cameras and flows may name, the default first, and whether each can run here now. */
export const DetectorList = Type.Object({
  detectors: Type.Array(
    Type.Object({
      name: Type.String(),
      classes: Type.Array(Type.String(), { description: 'Class names it detects' }),
      unavailable: Type.Union([Type.String(), Type.Null()], { description: 'Why it cannot run here now (e.g. weights not fetched, with the command), or null' }),
    }),
  ),
});
export type DetectorList = Static<typeof DetectorList>;

export const CameraList = Type.Object({ cameras: Type.Array(Camera) });
export type CameraList = Static<typeof CameraList>;

/** One attribute estimate (e.g. age 31 at 0.8, gender "female" at 0.9). */
export const AttributeValue = Type.Object({ value: Type.Union([Type.Number(), Type.String()]), confidence: Type.Number() });
export type AttributeValue = Static<typeof AttributeValue>;

/** One tracked box in a processed frame. `trackerId` is -1 when the pipeline runs no tracker. */
export const TrackedBox = Type.Object({
  trackerId: Type.Integer(),
  className: Type.String(),
  score: Type.Number(),
  xyxy: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], { description: 'Pixels of a width x height frame' }),
  attributes: Type.Record(Type.String(), AttributeValue),
});
export type TrackedBox = Static<typeof TrackedBox>;

/** `scouter:tracks`: the boxes of one processed frame. */
export const TracksEvent = Type.Object({
  cameraId: Type.Integer(),
  frameIndex: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
  decodedAtMs: Type.Number({ description: 'Epoch ms when the frame left the decoder: latency = now - decodedAtMs' }),
  latencyMs: Type.Number({ description: 'Decode to publish, ms' }),
  fps: Type.Number(),
  predicted: Type.Boolean({ description: "true when the detector skipped this frame (detect every=N or 'auto' behind a busy engine): the boxes are the tracks' boxes interpolated from the detected frames around it ('auto') or moved on at their last velocity (every=N)" }),
  boxes: Type.Array(TrackedBox),
});
export type TracksEvent = Static<typeof TracksEvent>;

/** `scouter:frame`: a JPEG preview, sent at a reduced rate. */
export const FrameEvent = Type.Object({
  cameraId: Type.Integer(),
  frameIndex: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
  jpegBase64: Type.String(),
});
export type FrameEvent = Static<typeof FrameEvent>;

/** `scouter:camera-state`: a camera's pipeline changed state (or its statistics were refreshed). */
export const CameraStateEvent = Type.Object({
  cameraId: Type.Integer(),
  state: CameraState,
  message: Type.Union([Type.String(), Type.Null()]),
  workerId: Type.Union([Type.String(), Type.Null()]),
  stats: CameraStats,
});
export type CameraStateEvent = Static<typeof CameraStateEvent>;

/** `scouter:cameras-changed`: a camera was added, changed or removed; clients refetch the list. */
export const CamerasChangedEvent = Type.Object({ cameraId: Type.Integer(), change: Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('removed')]) });
export type CamerasChangedEvent = Static<typeof CamerasChangedEvent>;

/** `PUT /flows/:name` body: flow text in the Scouter flow language. */
export const FlowBody = Type.Object({ source: Type.String({ minLength: 1, maxLength: 100_000 }) }, { additionalProperties: false });
export type FlowBody = Static<typeof FlowBody>;

export const FlowNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }) });

/** One planned pipeline of a flow: its source becomes a camera of the same name when the flow starts. */
export const FlowPipeline = Type.Object({
  name: Type.String({ description: 'The flow stream the pipeline materialises' }),
  cameraName: Type.String({ description: 'The source name, used as the camera name' }),
  uri: Type.String(),
  fps: Type.Number(),
  heads: Type.Array(Type.String(), { description: 'Attribute heads the pipeline runs' }),
  cameraId: Type.Union([Type.Integer(), Type.Null()], { description: 'The camera running it; null until the flow is first started' }),
});
export type FlowPipeline = Static<typeof FlowPipeline>;

/** A stored flow, whether its cameras run, and the cameras its pipelines run on. */
export const Flow = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  source: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('stopped')]),
  pipelines: Type.Array(FlowPipeline),
  warnings: Type.Array(Type.String(), { description: 'line:column: message of each warning' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Flow = Static<typeof Flow>;

export const FlowList = Type.Object({ flows: Type.Array(Flow) });
export type FlowList = Static<typeof FlowList>;

/** One error of a rejected flow, with its position (line and column count from 1). */
export const FlowProblem = Type.Object({
  code: Type.String(),
  message: Type.String(),
  line: Type.Integer(),
  column: Type.Integer(),
  endLine: Type.Integer(),
  endColumn: Type.Integer(),
});
export type FlowProblem = Static<typeof FlowProblem>;

/** 400 answer to a flow that does not compile: every error, and all of them as text in `message`. */
export const FlowRejected = Type.Object({
  statusCode: Type.Literal(400),
  error: Type.String(),
  message: Type.String({ description: 'One "name:line:column: message" line per error' }),
  errors: Type.Array(FlowProblem),
});
export type FlowRejected = Static<typeof FlowRejected>;

export const FlowCheckResult = Type.Object({
  ok: Type.Boolean(),
  errors: Type.Array(FlowProblem),
  warnings: Type.Array(Type.String(), { description: 'line:column: message of each warning' }),
  pipelines: Type.Array(Type.String(), { description: 'One line per planned pipeline: source -> stages -> sinks' }),
});
export type FlowCheckResult = Static<typeof FlowCheckResult>;

/** Which engine runs one loaded network, and why (SIGHTLINE_BACKEND). */
export const ModelBackendInfo = Type.Object(
  {
    model: Type.String({ description: 'Model name, e.g. centernet, blazeface, age-gender, head:<attribute>' }),
    backend: Type.String({ description: 'onnxruntime-cpu, native-cuda, or native-cuda-emulated (CPU emulation)' }),
    choice: Type.String({ description: 'The setting it was picked by: auto, onnxruntime, native or cuda' }),
    reason: Type.String({ description: 'Why this engine (a fallback says what failed)' }),
  },
  { additionalProperties: false },
);
export type ModelBackendInfo = Static<typeof ModelBackendInfo>;

/** `GET /inference`: the engines of the networks this Scouter process has loaded. */
export const InferenceStatus = Type.Object({ models: Type.Array(ModelBackendInfo) }, { additionalProperties: false });
export type InferenceStatus = Static<typeof InferenceStatus>;
