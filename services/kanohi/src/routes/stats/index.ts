import { DASHBOARD } from '@sightline/auth';
import { CountsResponse, FloorAttributesQuery, FloorAttributesResponse, HeatmapQuery, HoursQuery, HoursResponse, IdentitiesResponse, PeopleQuery, PeopleResponse, HeatmapResponse, KanohiFloorIdParams, LineStatsResponse, StatsQuery, ZoneStatsResponse } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { countsCsv, linesCsv, peopleCsv, zonesCsv } from '../../lib/csv.ts';
import type { FastifyReply } from 'fastify';
import type { PeopleService } from '../../services/people.service.ts';
import type { StatsService } from '../../services/stats.service.ts';

/** Heatmaps, counts over time, zone and line statistics; `format=csv` answers a CSV download. */
export const statsRoutes: FastifyPluginAsyncTypebox<{ readonly stats: StatsService; readonly people: PeopleService }> = async (app, { stats, people }) => {
  app.get('/floors/:floorId/heatmap', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: HeatmapQuery, response: { 200: HeatmapResponse } } }, (request) =>
    stats.heatmap(request.params.floorId, request.query),
  );
  // The typed reply only knows the JSON shape; a CSV body is a plain string sent as is. The file
  // name states the window (UTC, to the second), so a saved export says what it covers.
  const csv = (name: string, floorId: number, body: string, window?: { from: string; to: string }) => (reply: unknown) =>
    (reply as FastifyReply)
      .header('content-disposition', `attachment; filename="floor-${floorId}-${name}${window ? `_${fileTime(window.from)}_${fileTime(window.to)}` : ''}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(body);
  app.get('/floors/:floorId/people', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: PeopleQuery, response: { 200: PeopleResponse } } }, async (request, reply) => {
    const result = await people.counts(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('people', request.params.floorId, peopleCsv(result), result)(reply) : result;
  });
  app.get('/floors/:floorId/attributes', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: FloorAttributesQuery, response: { 200: FloorAttributesResponse } } }, (request) =>
    stats.attributes(request.params.floorId, request.query),
  );
  app.get('/floors/:floorId/hours', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: HoursQuery, response: { 200: HoursResponse } } }, (request) =>
    people.hours(request.params.floorId, request.query),
  );
  app.get('/floors/:floorId/identities', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: PeopleQuery, response: { 200: IdentitiesResponse } } }, (request) =>
    people.identities(request.params.floorId, request.query),
  );
  app.get('/floors/:floorId/stats/counts', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: StatsQuery, response: { 200: CountsResponse } } }, async (request, reply) => {
    const result = await stats.counts(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('counts', request.params.floorId, countsCsv(result, request.query), request.query)(reply) : result;
  });
  app.get('/floors/:floorId/stats/zones', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: StatsQuery, response: { 200: ZoneStatsResponse } } }, async (request, reply) => {
    const result = await stats.zoneStats(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('zones', request.params.floorId, zonesCsv(result, request.query), request.query)(reply) : result;
  });
  app.get('/floors/:floorId/stats/lines', { config: { access: DASHBOARD }, schema: { params: KanohiFloorIdParams, querystring: StatsQuery, response: { 200: LineStatsResponse } } }, async (request, reply) => {
    const result = await stats.lineStats(request.params.floorId, request.query);
    return request.query.format === 'csv' ? csv('lines', request.params.floorId, linesCsv(result, request.query), request.query)(reply) : result;
  });
};

/** 2026-03-01T10:15:00.000Z -> 20260301T101500Z: a window bound fit for a file name. */
export function fileTime(isoTime: string): string {
  return new Date(isoTime).toISOString().replace(/\.\d+Z$/, 'Z').replaceAll('-', '').replaceAll(':', '');
}
