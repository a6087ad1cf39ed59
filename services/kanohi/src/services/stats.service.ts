import { HEAT_BASE_CELL_M, type CountsResponse, type FloorAttributesQuery, type FloorAttributesResponse, type Floor, type HeatmapQuery, type HeatmapResponse, type LineStatsResponse, type StatsQuery, type ZoneStatsResponse } from '@sightline/contracts';
import { PolygonZone } from '@sightline/vision';
import { HttpError } from '@sightline/server-kit';
import { missing } from '../lib/missing.ts';
import type { FloorPointRepository } from '../repositories/floor-point.repository.ts';
import type { FloorRepository } from '../repositories/floor.repository.ts';
import type { StationaryRepository } from '../repositories/stationary.repository.ts';
import type { GroupBy, StatsRepository } from '../repositories/stats.repository.ts';
import type { ZoneRepository } from '../repositories/zone.repository.ts';

const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;

function range(query: { from: string; to: string }): { from: Date; to: Date } {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (!(to > from)) throw new HttpError(400, `"to" (${query.to}) must be after "from" (${query.from})`);
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new HttpError(400, 'the time range is longer than a year: ask for a shorter one');
  return { from, to };
}

/** Time buckets one statistics answer may span: past it, the client asks for wider buckets. */
const MAX_BUCKETS = 100_000;

/** The range and bucket width of a statistics query, refused when it would answer more than MAX_BUCKETS buckets. */
function bucketed(query: StatsQuery): { from: Date; to: Date; bucketSeconds: number } {
  const r = range(query);
  const bucketSeconds = query.bucketSeconds ?? 60;
  const buckets = Math.ceil((r.to.getTime() - r.from.getTime()) / 1000 / bucketSeconds);
  if (buckets > MAX_BUCKETS) throw new HttpError(400, `${buckets} buckets of ${bucketSeconds} s is more than one answer holds (${MAX_BUCKETS}): ask for wider buckets (bucketSeconds) or a shorter range`);
  return { ...r, bucketSeconds };
}

const iso = (d: Date) => d.toISOString();

/** Heatmaps and statistics of one floor; every aggregate runs in SQL. */
export class StatsService {
  constructor(
    private readonly floors: FloorRepository,
    private readonly points: FloorPointRepository,
    private readonly stats: StatsRepository,
    private readonly zones: ZoneRepository,
    private readonly stationary: StationaryRepository,
  ) {}

  private async floor(floorId: number): Promise<Floor> {
    const floor = await this.floors.get(floorId);
    if (!floor) throw missing(`Floor ${floorId}`);
    return floor;
  }

  async heatmap(floorId: number, query: HeatmapQuery): Promise<HeatmapResponse> {
    const floor = await this.floor(floorId);
    const { from, to } = range(query);
    const cellM = query.cellM ?? 0.5;
    const factor = Math.round(cellM / HEAT_BASE_CELL_M);
    if (Math.abs(factor * HEAT_BASE_CELL_M - cellM) > 1e-9) throw new HttpError(400, `cellM ${cellM} is not a multiple of ${HEAT_BASE_CELL_M} m: use e.g. 0.25, 0.5 or 1`);
    const columns = Math.ceil(floor.widthM / cellM - 1e-9);
    const rows = Math.ceil(floor.heightM / cellM - 1e-9);
    const metric = query.metric ?? 'occupancy';
    const [rolled, spans, zones] = await Promise.all([
      this.points.heatmap(floorId, { from, to }, { factor, columns, rows }, metric, query),
      this.stationary.spans(floorId, from, to),
      this.zones.zones(floorId),
    ]);
    // Stationary detections (a false positive that sat on the grass for minutes) would set the
    // scale: their samples in the window are taken out unless asked for.
    const stationaryExcluded = (query.stationary ?? 'exclude') === 'exclude';
    const values = new Map(rolled.map(([c, r, v]) => [`${c},${r}`, v]));
    if (stationaryExcluded && spans.length > 0) {
      const minuteFrom = new Date(Math.floor(from.getTime() / 60_000) * 60_000);
      for (const [c, r, v] of await this.stationary.heatShare(floorId, spans, { minuteFrom, to }, { factor, baseCellM: HEAT_BASE_CELL_M }, metric, query)) {
        const key = `${c},${r}`;
        if (values.has(key)) values.set(key, values.get(key)! - v);
      }
    }
    // Exclusion masks: a cell whose centre lies in a mask is left out.
    const masks = zones.filter((z) => z.kind === 'mask').map((z) => new PolygonZone(z.polygonXy));
    let maskedCells = 0;
    const cells: [number, number, number][] = [];
    for (const [key, v] of values) {
      const [c, r] = key.split(',').map(Number) as [number, number];
      if (masks.some((m) => m.contains([(c + 0.5) * cellM, (r + 0.5) * cellM]))) {
        maskedCells++;
        continue;
      }
      if (v > 1e-9) cells.push([c, r, v]);
    }
    return {
      floorId,
      from: iso(from),
      to: iso(to),
      cellM,
      metric,
      columns,
      rows,
      cells,
      max: cells.reduce((m, c) => Math.max(m, c[2]), 0),
      total: cells.reduce((s, c) => s + c[2], 0),
      unit: metric === 'dwell' ? 'person-seconds per cell' : 'person samples per cell (one per person per frame)',
      stationaryExcluded,
      stationary: spans.map((sp) => ({ cameraId: sp.camera_id, trackId: sp.track_id, xyM: [sp.x_m, sp.y_m] as [number, number], from: iso(sp.started_at), to: iso(sp.ended_at) })),
      maskedCells,
    };
  }

  /** The attributes the floor's tracks carried in the window, with their smoothed values. */
  async attributes(floorId: number, query: FloorAttributesQuery): Promise<FloorAttributesResponse> {
    await this.floor(floorId);
    const { from, to } = range(query);
    return { attributes: await this.points.attributes(floorId, from, to) };
  }

  async counts(floorId: number, query: StatsQuery): Promise<CountsResponse> {
    await this.floor(floorId);
    const { bucketSeconds, ...r } = bucketed(query);
    const groupBy = (query.groupBy ?? 'none') as GroupBy;
    const rows = await this.stats.counts(floorId, { ...r, bucketSeconds }, groupBy, query);
    return { floorId, bucketSeconds, groupBy, buckets: rows.map((r) => ({ start: iso(r.start), group: r.group, tracks: r.tracks })) };
  }

  async zoneStats(floorId: number, query: StatsQuery): Promise<ZoneStatsResponse> {
    await this.floor(floorId);
    const r = bucketed(query);
    const [zones, buckets, dwell] = await Promise.all([this.zones.zones(floorId).then((all) => all.filter((z) => z.kind === 'zone')), this.stats.zoneBuckets(floorId, r, query), this.stats.zoneDwell(floorId, r, query)]);
    return {
      zones: zones.map((z) => {
        const d = dwell.find((x) => x.zone_id === z.id);
        return {
          zoneId: z.id,
          name: z.name,
          tracks: d?.tracks ?? 0,
          meanDwellSeconds: d?.mean_s ?? 0,
          totalDwellSeconds: d?.total_s ?? 0,
          buckets: buckets.filter((b) => b.zone_id === z.id).map((b) => ({ start: iso(b.start), tracks: b.tracks })),
        };
      }),
    };
  }

  async lineStats(floorId: number, query: StatsQuery): Promise<LineStatsResponse> {
    await this.floor(floorId);
    const r = bucketed(query);
    const [lines, buckets] = await Promise.all([this.zones.lines(floorId), this.stats.lineBuckets(floorId, r, query)]);
    return {
      lines: lines.map((l) => {
        const mine = buckets.filter((b) => b.line_id === l.id);
        return {
          lineId: l.id,
          name: l.name,
          inCount: mine.reduce((s, b) => s + b.in, 0),
          outCount: mine.reduce((s, b) => s + b.out, 0),
          buckets: mine.map((b) => ({ start: iso(b.start), in: b.in, out: b.out })),
        };
      }),
    };
  }
}
