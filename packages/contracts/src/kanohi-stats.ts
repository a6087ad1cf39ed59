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
  attribute: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z0-9_]{0,63}=[^=]{1,60}$',
      description: "name=value, e.g. upper_colour=light: tracks whose smoothed value of that attribute (any head, trained ones included) is value; a track's value is the one most of its samples carry (numbers: their mean, rounded)",
    }),
  ),
};

/** A break-down: fixed dimensions, or `attr:<name>` for the smoothed per-track value of any attribute. */
const groupByChoices = () => [
  Type.Literal('none'), Type.Literal('className'), Type.Literal('gender'), Type.Literal('ageBand'),
  Type.String({ pattern: '^attr:[a-z][a-z0-9_]{0,63}$', description: 'e.g. attr:upper_colour' }),
];
export const StatsGroupBy = Type.Union(groupByChoices());

/** `GET /floors/:floorId/heatmap`: occupancy (samples) or dwell (seconds) per cell; time rounded to minutes. */
export const HeatmapQuery = Type.Object(
  {
    from: Time,
    to: Time,
    cellM: Type.Optional(Type.Number({ minimum: HEAT_BASE_CELL_M, maximum: 10, default: 0.5, description: 'a multiple of 0.25 m' })),
    metric: Type.Optional(Type.Union([Type.Literal('occupancy'), Type.Literal('dwell')], { default: 'occupancy' })),
    stationary: Type.Optional(Type.Union([Type.Literal('exclude'), Type.Literal('include')], { default: 'exclude', description: 'detections that stayed put for minutes: left out unless included' })),
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
  /** What a cell's value counts, for the legend. */
  unit: Type.String(),
  /** Stationary detections of the window (flagged), and whether their samples were left out. */
  stationaryExcluded: Type.Boolean(),
  stationary: Type.Array(Type.Object({ cameraId: Type.Integer(), trackId: Type.Integer(), xyM: FloorXy, from: Time, to: Time })),
  /** Cells left out because their centre lies in an exclusion mask. */
  maskedCells: Type.Integer(),
});
export type HeatmapResponse = Static<typeof HeatmapResponse>;

/** A zone counts entries and dwell; a mask is left out of heatmaps (a screen, a mirror, a door). */
export const ZoneKind = Type.Union([Type.Literal('zone'), Type.Literal('mask')]);
export const Zone = Type.Object({ id: Type.Integer(), floorId: Type.Integer(), name: Name, kind: ZoneKind, polygonXy: Type.Array(FloorXy) });
export type Zone = Static<typeof Zone>;
export const CreateZoneBody = Type.Object({ name: Name, kind: Type.Optional(ZoneKind), polygonXy: Type.Array(FloorXy, { minItems: 3, maxItems: 100 }) }, { additionalProperties: false });
export type CreateZoneBody = Static<typeof CreateZoneBody>;
/** `PATCH /floors/:floorId/zones/:zoneId`: rename, redraw or change kind. */
export const UpdateZoneBody = Type.Object({ name: Type.Optional(Name), kind: Type.Optional(ZoneKind), polygonXy: Type.Optional(Type.Array(FloorXy, { minItems: 3, maxItems: 100 })) }, { additionalProperties: false, minProperties: 1 });
export type UpdateZoneBody = Static<typeof UpdateZoneBody>;

/** A tripwire: "in" is a crossing from the right of start->end to its left (x right, y down). */
export const CountLine = Type.Object({ id: Type.Integer(), floorId: Type.Integer(), name: Name, startXy: FloorXy, endXy: FloorXy });
export type CountLine = Static<typeof CountLine>;
export const CreateCountLineBody = Type.Object({ name: Name, startXy: FloorXy, endXy: FloorXy }, { additionalProperties: false });
export type CreateCountLineBody = Static<typeof CreateCountLineBody>;
/** `PATCH /floors/:floorId/lines/:lineId`: rename or move. */
export const UpdateCountLineBody = Type.Object({ name: Type.Optional(Name), startXy: Type.Optional(FloorXy), endXy: Type.Optional(FloorXy) }, { additionalProperties: false, minProperties: 1 });
export type UpdateCountLineBody = Static<typeof UpdateCountLineBody>;

export const ZoneIdParams = Type.Object({ floorId: Id, zoneId: Id });
export const LineIdParams = Type.Object({ floorId: Id, lineId: Id });

/** Time range and bucket width of a statistics query; `format=csv` answers text/csv. */
export const StatsQuery = Type.Object(
  {
    from: Time,
    to: Time,
    bucketSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, default: 60 })),
    groupBy: Type.Optional(Type.Union(groupByChoices(), { default: 'none' })),
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
  /** The floor person this marker continues (a tracker break keeps it): the id the people counts and identities use. */
  floorPersonId: Type.Integer(),
  /** Scouter's own names for this person: camera and tracker id (the #n of Scouter's live view) per track. */
  trackers: Type.Array(Type.Object({ cameraId: Type.Integer(), trackId: Type.Integer(), trackerId: Type.Integer() })),
});
export type LiveMarker = Static<typeof LiveMarker>;

/**
 * `kanohi:markers`: every person on one floor seen within `graceMs` before `at` (the latest sample
 * time); anyone not listed has left the floor. `liveCount` is the people seen in the latest batch
 * of their camera, the number to compare with Scouter's live tracks.
 */
export const MarkersEvent = Type.Object({ floorId: Type.Integer(), at: Time, graceMs: Type.Integer(), liveCount: Type.Integer(), markers: Type.Array(LiveMarker) });
export type MarkersEvent = Static<typeof MarkersEvent>;

/** `GET /floors/:floorId/people` and `/identities`: a window of at most a day. */
export const PeopleQuery = Type.Object(
  {
    from: Time,
    to: Time,
    bucketSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, default: 60 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
    stationary: Type.Optional(Type.Union([Type.Literal('exclude'), Type.Literal('include')], { default: 'exclude', description: 'samples of stationary spans (a detection still for minutes): left out unless included, as in heatmaps' })),
  },
  { additionalProperties: false },
);
export type PeopleQuery = Static<typeof PeopleQuery>;

/** What each count of the people endpoint counts, in words shown beside the numbers. */
export const PEOPLE_DEFINITIONS = {
  peoplePresent: 'people present: distinct floor people seen in each second, averaged (mean) and at most (max) over the bucket',
  entries: 'entries: steps of a floor person from outside a zone to inside it, or appearing inside it',
  uniqueVisitors: 'unique visitors (estimated): floor people seen in the window; a tracker break re-joined on the floor by place, time and known appearance (class, gender, age band) counts once, fragments seen under the minimum dwell not at all',
  stationary: 'detections that stayed within half a metre for minutes, or never moved from where they appeared over a whole track (20 s by default; a sign, a mannequin, a false positive), are left out of every count unless included',
} as const;

/** People on a floor over a window: floor people are tracker fragments re-joined on the floor. */
export const PeopleResponse = Type.Object({
  floorId: Type.Integer(),
  from: Time,
  to: Time,
  bucketSeconds: Type.Integer(),
  definitions: Type.Object({ peoplePresent: Type.String(), entries: Type.String(), uniqueVisitors: Type.String(), stationary: Type.String() }),
  stationaryExcluded: Type.Boolean(),
  uniqueVisitors: Type.Integer(),
  /** Fragments (cross-camera persons of the ingest) in the window, how many were too short to count, how many joins were made. */
  fragments: Type.Object({ total: Type.Integer(), ignored: Type.Integer(), links: Type.Integer(), minDwellSeconds: Type.Number() }),
  buckets: Type.Array(Type.Object({ start: Time, meanPresent: Type.Number(), maxPresent: Type.Integer(), entries: Type.Integer() })),
  zones: Type.Array(Type.Object({ zoneId: Type.Integer(), name: Type.String(), entries: Type.Integer(), uniqueVisitors: Type.Integer() })),
});
export type PeopleResponse = Static<typeof PeopleResponse>;

/** One track of a floor person: Scouter's camera and tracker id (as its live view shows them) beside Kanohi's ids. */
export const IdentityTrack = Type.Object({
  cameraId: Type.Integer(),
  trackId: Type.Integer({ description: 'the stable track id of the database (tracks.id)' }),
  trackerId: Type.Integer({ description: "Scouter's tracker id, the #n its live view shows" }),
  personId: Type.Integer({ description: 'the cross-camera person of the ingest (live markers)' }),
  firstSeen: Time,
  lastSeen: Time,
  counted: Type.Boolean({ description: 'false when seen under the minimum dwell: not in any count' }),
});
export const IdentitiesResponse = Type.Object({
  floorId: Type.Integer(),
  from: Time,
  to: Time,
  people: Type.Array(Type.Object({ floorPersonId: Type.Integer(), firstSeen: Time, lastSeen: Time, tracks: Type.Array(IdentityTrack) })),
  /** Tracks not in any floor person (seen under the minimum dwell, or stationary and left out). */
  ignored: Type.Array(IdentityTrack),
});
export type IdentitiesResponse = Static<typeof IdentitiesResponse>;

/** `GET /floors/:floorId/attributes`: the attributes a floor's tracks carried in [from, to) (at most a year), for filters and break-downs. */
export const FloorAttributesQuery = Type.Object({ from: Time, to: Time }, { additionalProperties: false });
export type FloorAttributesQuery = Static<typeof FloorAttributesQuery>;
export const FloorAttributesResponse = Type.Object({
  attributes: Type.Array(
    Type.Object({
      name: Type.String(),
      /** Smoothed per-track values, the most tracks first (at most 50). */
      values: Type.Array(Type.Object({ value: Type.String(), tracks: Type.Integer({ description: 'tracks of the window whose smoothed value this is' }) })),
    }),
  ),
});
export type FloorAttributesResponse = Static<typeof FloorAttributesResponse>;

/** `GET /floors/:floorId/hours`: the UTC hours of [from, to) (at most a year) with counted samples, for history play-back. */
export const HoursQuery = Type.Object({ from: Time, to: Time }, { additionalProperties: false });
export type HoursQuery = Static<typeof HoursQuery>;
export const HoursResponse = Type.Object({ hours: Type.Array(Type.Object({ start: Time, samples: Type.Integer() })) });
export type HoursResponse = Static<typeof HoursResponse>;
