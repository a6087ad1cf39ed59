import { DASHBOARD, OPERATE } from '@sightline/auth';
import { BackfillJob, Calibration, CalibrationSolution, KanohiCamera, KanohiCameraIdParams, PlaceCameraBody, SaveCalibrationBody, SolveCalibrationBody } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { binaryResponse } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { BackfillService } from '../../services/backfill.service.ts';
import type { CalibrationService } from '../../services/calibration.service.ts';
import type { FloorService } from '../../services/floor.service.ts';

export interface CameraRouteServices {
  readonly calibration: CalibrationService;
  readonly floors: FloorService;
  readonly backfill: BackfillService;
  readonly maxImageBytes: number;
}

/** Scouter's cameras as placed and calibrated on floors; snapshots for clicking calibration points. */
export const cameraRoutes: FastifyPluginAsyncTypebox<CameraRouteServices> = async (app, { calibration, floors, backfill, maxImageBytes }) => {
  app.get('/cameras', { config: { access: DASHBOARD }, schema: { response: { 200: Type.Array(KanohiCamera) } } }, () => calibration.list());
  app.get('/cameras/:cameraId', { config: { access: DASHBOARD }, schema: { params: KanohiCameraIdParams, response: { 200: KanohiCamera } } }, (request) => calibration.camera(request.params.cameraId));
  app.put('/cameras/:cameraId/placement', { config: { access: OPERATE }, schema: { params: KanohiCameraIdParams, body: PlaceCameraBody, response: { 200: KanohiCamera } } }, async (request) => {
    await floors.placeCamera(request.params.cameraId, request.body.floorId);
    return calibration.camera(request.params.cameraId);
  });
  app.put(
    '/cameras/:cameraId/snapshot',
    { config: { access: OPERATE }, schema: { description: 'The body is the image itself (Content-Type image/png, image/jpeg or image/webp).', params: KanohiCameraIdParams, response: { 200: KanohiCamera } }, bodyLimit: maxImageBytes },
    async (request) => {
      await floors.setSnapshot(request.params.cameraId, request.body as Buffer);
      return calibration.camera(request.params.cameraId);
    },
  );
  app.get('/cameras/:cameraId/snapshot', { config: { access: DASHBOARD }, schema: { params: KanohiCameraIdParams, response: { 200: binaryResponse('image/*', 'The snapshot as uploaded (PNG, JPEG or WebP)') } } }, async (request, reply) => {
    const image = await floors.snapshot(request.params.cameraId);
    return reply.type(image.type).send(image.bytes);
  });
  app.get('/cameras/:cameraId/calibrations', { config: { access: DASHBOARD }, schema: { params: KanohiCameraIdParams, response: { 200: Type.Array(Calibration) } } }, (request) => calibration.history(request.params.cameraId));
  app.post('/cameras/:cameraId/calibrations', { config: { access: OPERATE }, schema: { params: KanohiCameraIdParams, body: SaveCalibrationBody, response: { 201: Calibration } } }, async (request, reply) =>
    reply.status(201).send(await calibration.save(request.params.cameraId, request.body)),
  );
  app.get('/cameras/:cameraId/backfill', { config: { access: DASHBOARD }, schema: { params: KanohiCameraIdParams, response: { 200: BackfillJob } } }, (request) => backfill.latest(request.params.cameraId));
  app.post('/calibrations/solve', { config: { access: OPERATE }, schema: { body: SolveCalibrationBody, response: { 200: CalibrationSolution } } }, (request) => {
    const { frameWidth, frameHeight } = request.body;
    return calibration.solve(request.body.points, frameWidth && frameHeight ? [frameWidth, frameHeight] : undefined);
  });
};
