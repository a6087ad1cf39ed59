import { Type, type Static } from '@sinclair/typebox';
import { Coordinate, Id } from './common.ts';

/** A 2-D point `[x, y]`: camera pixels or floor metres, as the field name says. */
export const FloorXy = Type.Tuple([Coordinate, Coordinate]);
export type FloorXy = Static<typeof FloorXy>;

const Name = Type.String({ minLength: 1, maxLength: 100 });
/** Width or height of a camera frame in pixels. */
const FramePx = Type.Integer({ minimum: 1, maximum: 100_000 });

export const KanohiFloorIdParams = Type.Object({ floorId: Id });
export const KanohiCameraIdParams = Type.Object({ cameraId: Id });

/** A floor plan: metres from its top-left corner, x right, y down. */
export const Floor = Type.Object({
  id: Id,
  name: Name,
  widthM: Type.Number(),
  heightM: Type.Number(),
  metersPerPixel: Type.Union([Type.Number(), Type.Null()]),
  image: Type.Union([Type.Object({ type: Type.String(), widthPx: Type.Integer(), heightPx: Type.Integer(), url: Type.String({ description: 'Path of the image on Kanohi' }) }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Floor = Static<typeof Floor>;

/** `POST /floors`. Without an image the floor is a blank widthM x heightM rectangle (default 40 x 25 m). */
export const CreateFloorBody = Type.Object(
  {
    name: Name,
    widthM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
    heightM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
);
export type CreateFloorBody = Static<typeof CreateFloorBody>;

/**
 * `PATCH /floors/:floorId`. The scale comes either as metres per pixel or as two floor-plan pixels
 * a known distance apart (the two clicks of the page); with an image, it resizes the floor to match.
 */
export const UpdateFloorBody = Type.Object(
  {
    name: Type.Optional(Name),
    metersPerPixel: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    scale: Type.Optional(Type.Object({ aPx: FloorXy, bPx: FloorXy, distanceM: Type.Number({ exclusiveMinimum: 0, maximum: 1e6 }) }, { additionalProperties: false })),
    widthM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
    heightM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
);
export type UpdateFloorBody = Static<typeof UpdateFloorBody>;

/** One calibration correspondence: a camera-frame pixel and the floor point (metres) it shows. */
export const CalibrationPointPair = Type.Object({ imageXy: FloorXy, floorXy: FloorXy }, { additionalProperties: false });
export type CalibrationPointPair = Static<typeof CalibrationPointPair>;

/** `POST /calibrations/solve` (preview) and the body part shared with saving. */
export const SolveCalibrationBody = Type.Object(
  {
    points: Type.Array(CalibrationPointPair, { maxItems: 200 }),
    frameWidth: Type.Optional(FramePx),
    frameHeight: Type.Optional(FramePx),
  },
  { additionalProperties: false },
);
export type SolveCalibrationBody = Static<typeof SolveCalibrationBody>;

/** A solved homography and how well it fits its own points. */
export const CalibrationSolution = Type.Object({
  matrix: Type.Array(Type.Number(), { minItems: 9, maxItems: 9, description: 'Row-major 3x3, camera pixels -> floor metres' }),
  errorsM: Type.Array(Type.Number(), { description: 'Per point: floor distance between the projected pixel and its floor point' }),
  rmsErrorM: Type.Number(),
  maxErrorM: Type.Number(),
  warnings: Type.Array(Type.String()),
});
export type CalibrationSolution = Static<typeof CalibrationSolution>;

/** `POST /cameras/:cameraId/calibrations`: saves a new version (and places the camera on the floor). */
export const SaveCalibrationBody = Type.Object(
  {
    floorId: Id,
    points: Type.Array(CalibrationPointPair, { maxItems: 200 }),
    frameWidth: Type.Optional(FramePx),
    frameHeight: Type.Optional(FramePx),
  },
  { additionalProperties: false },
);
export type SaveCalibrationBody = Static<typeof SaveCalibrationBody>;

export const Calibration = Type.Intersect([
  CalibrationSolution,
  Type.Object({
    id: Id,
    cameraId: Id,
    version: Type.Integer({ minimum: 1 }),
    floorId: Id,
    points: Type.Array(CalibrationPointPair),
    frameWidth: Type.Union([Type.Integer(), Type.Null()]),
    frameHeight: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  }),
]);
export type Calibration = Static<typeof Calibration>;

/** A Scouter camera as Kanohi sees it: where it is placed and its current calibration. */
export const KanohiCamera = Type.Object({
  id: Id,
  name: Type.String(),
  fps: Type.Number(),
  frameWidth: Type.Union([Type.Integer(), Type.Null()]),
  frameHeight: Type.Union([Type.Integer(), Type.Null()]),
  floorId: Type.Union([Id, Type.Null()]),
  calibration: Type.Union([Calibration, Type.Null()]),
  snapshot: Type.Union([Type.Object({ widthPx: Type.Integer(), heightPx: Type.Integer(), url: Type.String() }), Type.Null()]),
});
export type KanohiCamera = Static<typeof KanohiCamera>;

/** `PUT /cameras/:cameraId/placement`. */
export const PlaceCameraBody = Type.Object({ floorId: Id }, { additionalProperties: false });
export type PlaceCameraBody = Static<typeof PlaceCameraBody>;

/**
 * A backfill job: after a calibration is saved, the camera's observations stored before it (not
 * projected yet, or projected under an older version) are projected in bounded batches.
 */
export const BackfillJob = Type.Object({
  id: Type.Integer(),
  cameraId: Type.Integer(),
  calibrationId: Type.Integer(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('superseded')]),
  total: Type.Integer({ description: 'observations to look at' }),
  done: Type.Integer({ description: 'observations looked at so far' }),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type BackfillJob = Static<typeof BackfillJob>;
