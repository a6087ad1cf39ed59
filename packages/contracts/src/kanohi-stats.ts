import { Type, type Static } from '@sinclair/typebox';
import { FloorXy } from './kanohi-floors.ts';
import { Id } from './common.ts';

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Time = Type.String({ format: 'date-time' });

/** Heatmap cells are multiples of this base cell, the roll-up's resolution. */
export const HEAT_BASE_CELL_M = 0.25;

/** Filters shared by heatmaps and counts; attribute values as Scouter writes them. */
const Filters = {
  className: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'e.g. person' })),
  gender: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'e.g. female' })),
  ageBand: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'one of 0-17, 18-29, 30-44, 45-64, 65+' })),
};

/** `GET /floors/:floorId/heatmap`: occupancy (samples) or dwell (seconds) per cell; time rounded to minutes. */
export const HeatmapQuery = Type.Object(
  {
    from: Time,
    to: Time,
    cellM: Type.Optional(Type.Number({ minimum: HEAT_BASE_CELL_M, maximum: 10, default: 0.5, description: 'a multiple of 0.25 m' })),
    metric: Type.Optional(Type.Union([Type.Literal('occupancy'), Type.Literal('dwell')], { default: 'occupancy' })),
    ...Filters,
  },
  { additionalProperties: false },
);
export type HeatmapQuery = Static<typeof HeatmapQuery>;

export const HeatmapResponse = Type.Object({
  floorId: Type.Integer(),
  from: Time,
  to: Time,
  cellM: Type.Number(),
  metric: Type.String(),
  columns: Type.Integer(),
  rows: Type.Integer(),
  /** Non-empty cells only: [column, row, value]; column 0 / row 0 at the floor's top-left. */
  cells: Type.Array(Type.Tuple([Type.Integer(), Type.Integer(), Type.Number()])),
  max: Type.Number(),
  total: Type.Number(),
});
export type HeatmapResponse = Static<typeof HeatmapResponse>;

export const Zone = Type.Object({ id: Type.Integer(), floorId: Type.Integer(), name: Name, polygonXy: Type.Array(FloorXy) });
export type Zone = Static<typeof Zone>;
export const CreateZoneBody = Type.Object({ name: Name, polygonXy: Type.Array(FloorXy, { minItems: 3, maxItems: 100 }) }, { additionalProperties: false });
export type CreateZoneBody = Static<typeof CreateZoneBody>;

/** A tripwire: "in" is a crossing from the right of start->end to its left (x right, y down). */
export const CountLine = Type.Object({ id: Type.Integer(), floorId: Type.Integer(), name: Name, startXy: FloorXy, endXy: FloorXy });
export type CountLine = Static<typeof CountLine>;
export const CreateCountLineBody = Type.Object({ name: Name, startXy: FloorXy, endXy: FloorXy }, { additionalProperties: false });
export type CreateCountLineBody = Static<typeof CreateCountLineBody>;

export const ZoneIdParams = Type.Object({ floorId: Id, zoneId: Id });
export const LineIdParams = Type.Object({ floorId: Id, lineId: Id });

/** Time range and bucket width of a statistics query; `format=csv` answers text/csv. */
export const StatsQuery = Type.Object(
  {
    from: Time,
    to: Time,
    bucketSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, default: 60 })),
    groupBy: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('className'), Type.Literal('gender'), Type.Literal('ageBand')], { default: 'none' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
    ...Filters,
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

/** Distinct tracks seen on the floor per time bucket and group. */
export const CountsResponse = Type.Object({
  floorId: Type.Integer(),
  bucketSeconds: Type.Integer(),
  groupBy: Type.String(),
  buckets: Type.Array(Type.Object({ start: Time, group: Type.String(), tracks: Type.Integer() })),
});
export type CountsResponse = Static<typeof CountsResponse>;

/** Per zone: distinct tracks inside per bucket, and how long tracks stayed inside. */
export const ZoneStatsResponse = Type.Object({
  zones: Type.Array(
    Type.Object({
      zoneId: Type.Integer(),
      name: Type.String(),
      tracks: Type.Integer(),
      meanDwellSeconds: Type.Number(),
      totalDwellSeconds: Type.Number(),
      buckets: Type.Array(Type.Object({ start: Time, tracks: Type.Integer() })),
    }),
  ),
});
export type ZoneStatsResponse = Static<typeof ZoneStatsResponse>;

/** Per line: directional crossing counts, in total and per bucket. */
export const LineStatsResponse = Type.Object({
  lines: Type.Array(
    Type.Object({
      lineId: Type.Integer(),
      name: Type.String(),
      inCount: Type.Integer(),
      outCount: Type.Integer(),
      buckets: Type.Array(Type.Object({ start: Time, in: Type.Integer(), out: Type.Integer() })),
    }),
  ),
});
export type LineStatsResponse = Static<typeof LineStatsResponse>;

/** One person on the live map (tracks of several cameras merged when close in place and time). */
export const LiveMarker = Type.Object({
  personId: Type.Integer(),
  trackIds: Type.Array(Type.Integer()),
  cameraIds: Type.Array(Type.Integer()),
  className: Type.String(),
  xyM: FloorXy,
  seenAt: Time,
  attributes: Type.Record(Type.String(), Type.Unknown()),
  /** Recent positions, oldest first, ending at xyM. */
  trail: Type.Array(FloorXy),
});
export type LiveMarker = Static<typeof LiveMarker>;

/** `kanohi:markers`: the people on one floor who moved in the last batch. */
export const MarkersEvent = Type.Object({ floorId: Type.Integer(), at: Time, markers: Type.Array(LiveMarker) });
export type MarkersEvent = Static<typeof MarkersEvent>;
