import { DASHBOARD, OPERATE } from '@sightline/auth';
import { CountLine, CreateCountLineBody, CreateFloorBody, CreateZoneBody, Floor, KanohiFloorIdParams, LineIdParams, UpdateCountLineBody, UpdateFloorBody, UpdateZoneBody, Zone, ZoneIdParams } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { binaryResponse } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { FloorService } from '../../services/floor.service.ts';

const NoContent = Type.Null({ description: 'Deleted' });

/** Floors, plan images, zones and counting lines. */
export const floorRoutes: FastifyPluginAsyncTypebox<{ readonly floors: FloorService; readonly maxImageBytes: number }> = async (app, { floors, maxImageBytes }) => {
  app.get('/floors', { config: { access: DASHBOARD }, schema: { response: { 200: Type.Array(Floor) } } }, () => floors.list());
  app.post('/floors', { config: { access: OPERATE }, schema: { body: CreateFloorBody, response: { 201: Floor } } }, async (request, reply) => reply.status(201).send(await floors.create(request.body)));
  app.get('/floors/:floorId', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, response: { 200: Floor } } }, (request) => floors.get(request.params.floorId));
  app.patch('/floors/:floorId', { config: { access: OPERATE }, schema: { params: KanohiFloorIdParams, body: UpdateFloorBody, response: { 200: Floor } } }, (request) => floors.update(request.params.floorId, request.body));
  app.delete('/floors/:floorId', { config: { access: OPERATE }, schema: { params: KanohiFloorIdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await floors.remove(request.params.floorId);
    return reply.status(204).send(null);
  });
  app.put('/floors/:floorId/image', { config: { access: OPERATE }, schema: { description: 'The body is the plan image itself (Content-Type image/png, image/jpeg or image/webp).', params: KanohiFloorIdParams, response: { 200: Floor } }, bodyLimit: maxImageBytes }, (request) =>
    floors.setImage(request.params.floorId, request.body as Buffer),
  );
  app.get('/floors/:floorId/image', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, response: { 200: binaryResponse('image/*', 'The floor plan as uploaded (PNG, JPEG or WebP)') } } }, async (request, reply) => {
    const image = await floors.image(request.params.floorId);
    return reply.type(image.type).header('cache-control', 'private, max-age=3600').send(image.bytes);
  });

  app.get('/floors/:floorId/zones', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, response: { 200: Type.Array(Zone) } } }, (request) => floors.listZones(request.params.floorId));
  app.post('/floors/:floorId/zones', { config: { access: OPERATE }, schema: { params: KanohiFloorIdParams, body: CreateZoneBody, response: { 201: Zone } } }, async (request, reply) =>
    reply.status(201).send(await floors.createZone(request.params.floorId, request.body)),
  );
  app.patch('/floors/:floorId/zones/:zoneId', { config: { access: OPERATE }, schema: { params: ZoneIdParams, body: UpdateZoneBody, response: { 200: Zone } } }, (request) =>
    floors.updateZone(request.params.floorId, request.params.zoneId, request.body),
  );
  app.delete('/floors/:floorId/zones/:zoneId', { config: { access: OPERATE }, schema: { params: ZoneIdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await floors.removeZone(request.params.floorId, request.params.zoneId);
    return reply.status(204).send(null);
  });
  app.get('/floors/:floorId/lines', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, response: { 200: Type.Array(CountLine) } } }, (request) => floors.listLines(request.params.floorId));
  app.post('/floors/:floorId/lines', { config: { access: OPERATE }, schema: { params: KanohiFloorIdParams, body: CreateCountLineBody, response: { 201: CountLine } } }, async (request, reply) =>
    reply.status(201).send(await floors.createLine(request.params.floorId, request.body)),
  );
  app.patch('/floors/:floorId/lines/:lineId', { config: { access: OPERATE }, schema: { params: LineIdParams, body: UpdateCountLineBody, response: { 200: CountLine } } }, (request) =>
    floors.updateLine(request.params.floorId, request.params.lineId, request.body),
  );
  app.delete('/floors/:floorId/lines/:lineId', { config: { access: OPERATE }, schema: { params: LineIdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await floors.removeLine(request.params.floorId, request.params.lineId);
    return reply.status(204).send(null);
  });
};
