import { DASHBOARD } from '@sightline/auth';
import { CountsResponse, HeatmapQuery, HeatmapResponse, KanohiFloorIdParams, LineStatsResponse, StatsQuery, ZoneStatsResponse } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import type { FastifyReply } from 'fastify';
import type { StatsService } from '../../services/stats.service.ts';

/** Heatmaps, counts over time, zone and line statistics; `format=csv` answers a CSV download. */
export function registerStatsRoutes(app: ServiceApp, stats: StatsService): void {
  app.get('/floors/:floorId/heatmap', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: HeatmapQuery, response: { 200: HeatmapResponse } } }, (request) =>
    stats.heatmap(request.params.floorId, request.query),
  );
  // The typed reply only knows the JSON shape; a CSV body is a plain string sent as is.
  const csv = (name: string, floorId: number, body: string) => (reply: unknown) =>
    (reply as FastifyReply).header('content-disposition', `attachment; filename="floor-${floorId}-${name}.csv"`).type('text/csv; charset=utf-8').send(body);
  app.get('/floors/:floorId/stats/counts', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: StatsQuery, response: { 200: CountsResponse } } }, async (request, reply) => {
    const result = await stats.counts(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('counts', request.params.floorId, stats.countsCsv(result))(reply) : result;
  });
  app.get('/floors/:floorId/stats/zones', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: StatsQuery, response: { 200: ZoneStatsResponse } } }, async (request, reply) => {
    const result = await stats.zoneStats(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('zones', request.params.floorId, stats.zonesCsv(result))(reply) : result;
  });
  app.get('/floors/:floorId/stats/lines', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: StatsQuery, response: { 200: LineStatsResponse } } }, async (request, reply) => {
    const result = await stats.lineStats(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('lines', request.params.floorId, stats.linesCsv(result))(reply) : result;
  });
}
