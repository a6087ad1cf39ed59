import { DASHBOARD, OPERATE } from '@sightline/auth';
import { Camera, CameraIdParams, CameraList, CreateCameraBody, DetectorList, UpdateCameraBody } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CameraService } from '../../services/camera.service.ts';

/** `/cameras`: list, add, read, change and remove cameras; `/detectors`: the detectors a camera may run. */
export const cameraRoutes: FastifyPluginAsyncTypebox<{ readonly cameras: CameraService }> = async (app, { cameras }) => {
  app.get('/detectors', { config: { access: DASHBOARD }, schema: { response: { 200: DetectorList } } }, async () => ({ detectors: cameras.listDetectors() }));
  app.get('/cameras', { config: { access: DASHBOARD }, schema: { response: { 200: CameraList } } }, async () => ({ cameras: await cameras.list() }));
  app.post('/cameras', { config: { access: OPERATE }, schema: { body: CreateCameraBody, response: { 201: Camera } } }, async (request, reply) => reply.status(201).send(await cameras.create(request.body)));
  app.get('/cameras/:id', { config: { access: DASHBOARD }, schema: { params: CameraIdParams, response: { 200: Camera } } }, async (request) => cameras.get(request.params.id));
  app.patch('/cameras/:id', { config: { access: OPERATE }, schema: { params: CameraIdParams, body: UpdateCameraBody, response: { 200: Camera } } }, async (request) => cameras.update(request.params.id, request.body));
  app.delete('/cameras/:id', { config: { access: OPERATE }, schema: { params: CameraIdParams, response: { 204: Type.Null() } } }, async (request, reply) => {
    await cameras.remove(request.params.id);
    return reply.status(204).send(null);
  });
};
