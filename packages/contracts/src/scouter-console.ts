import { Type, type Static } from '@sinclair/typebox';

/** A point in image pixels of the camera's frame (x right, y down). */
export const ImagePoint = Type.Tuple([Type.Number({ minimum: 0, maximum: 100_000 }), Type.Number({ minimum: 0, maximum: 100_000 })]);
export type ImagePoint = Static<typeof ImagePoint>;

/** A polygon in image pixels, at least three corners. */
export const ImagePolygon = Type.Array(ImagePoint, { minItems: 3, maxItems: 64 });
export type ImagePolygon = Static<typeof ImagePolygon>;

const RegionName = Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$' });

/**
 * A camera's regions in image pixels. Masks: a detection whose box bottom-centre falls inside one is
 * dropped before tracking (the detector ignores that area). Zones: a tracked object's bottom-centre
 * entering or leaving one raises an event. Lines: its bottom-centre crossing one raises an event
 * ("in" is a crossing from the right of from->to to its left, with y pointing down).
 */
export const CameraRegions = Type.Object(
  {
    masks: Type.Array(ImagePolygon, { maxItems: 32 }),
    zones: Type.Array(Type.Object({ name: RegionName, polygon: ImagePolygon }, { additionalProperties: false }), { maxItems: 32 }),
    lines: Type.Array(Type.Object({ name: RegionName, from: ImagePoint, to: ImagePoint }, { additionalProperties: false }), { maxItems: 32 }),
  },
  { additionalProperties: false },
);
export type CameraRegions = Static<typeof CameraRegions>;

export const EventKind = Type.Union([
  Type.Literal('track-started'),
  Type.Literal('track-ended'),
  Type.Literal('zone-entered'),
  Type.Literal('zone-left'),
  Type.Literal('line-crossed'),
]);
export type EventKind = Static<typeof EventKind>;

/** One event of a tracked object, as the API, the socket and webhooks send it. */
export const ScouterEvent = Type.Object({
  id: Type.Integer(),
  occurredAt: Type.String({ format: 'date-time' }),
  cameraId: Type.Integer(),
  cameraName: Type.String(),
  kind: EventKind,
  trackerId: Type.Integer({ description: 'Tracker id within the camera pipeline run' }),
  className: Type.String(),
  region: Type.Union([Type.String(), Type.Null()], { description: 'Zone or line name; null for track events' }),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Null()], { description: 'Line crossings only' }),
  score: Type.Number(),
  xyxy: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]),
  attributes: Type.Record(Type.String(), Type.Object({ value: Type.Union([Type.Number(), Type.String()]), confidence: Type.Number() })),
  hasSnapshot: Type.Boolean({ description: 'GET /events/:id/snapshot.jpg returns the frame with the box drawn' }),
});
export type ScouterEvent = Static<typeof ScouterEvent>;

/** `GET /events` query: newest first, optionally one camera, class, kind, and attribute value. */
export const EventQuery = Type.Object(
  {
    cameraId: Type.Optional(Type.Integer({ minimum: 1 })),
    className: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    kind: Type.Optional(EventKind),
    attribute: Type.Optional(Type.String({ pattern: '^[a-z]+=[^=]{1,60}$', description: 'head=value, e.g. gender=female; only values at or above the confidence setting match' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Events with a smaller id (paging)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuery>;

export const EventList = Type.Object({ events: Type.Array(ScouterEvent) });
export type EventList = Static<typeof EventList>;

export const EventIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** `POST /webhooks` body. */
export const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://', description: 'Receives each event as a JSON POST' }),
    kinds: Type.Optional(Type.Array(EventKind, { uniqueItems: true, description: 'Event kinds sent; empty or absent: all' })),
  },
  { additionalProperties: false },
);
export type WebhookBody = Static<typeof WebhookBody>;

export const Webhook = Type.Object({ id: Type.Integer(), url: Type.String(), kinds: Type.Array(EventKind), createdAt: Type.String({ format: 'date-time' }) });
export type Webhook = Static<typeof Webhook>;
export const WebhookList = Type.Object({ webhooks: Type.Array(Webhook) });
export type WebhookList = Static<typeof WebhookList>;

/** Answer of `POST /webhooks/:id/test`: what the receiver answered. */
export const WebhookTestResult = Type.Object({ ok: Type.Boolean(), status: Type.Union([Type.Integer(), Type.Null()]), message: Type.String() });
export type WebhookTestResult = Static<typeof WebhookTestResult>;

/** `GET /settings`: Scouter settings the console shows and applies. */
export const ScouterSettings = Type.Object({
  attributeMinConfidence: Type.Number({ description: 'Attribute values below this confidence are shown as "unknown"' }),
  eventRetentionHours: Type.Number(),
  eventMaxPerCamera: Type.Integer(),
  previewFps: Type.Number({ description: 'Previews per second of a camera shown in the grid' }),
  previewFocusFps: Type.Number({ description: 'Previews per second of a camera shown in the large view' }),
});
export type ScouterSettings = Static<typeof ScouterSettings>;

/** `POST /flows/check` body and answer: the same compiler as `PUT /flows/:name` and `sightline flow check`, nothing stored. */
export const FlowCheckBody = Type.Object({ source: Type.String({ maxLength: 100_000 }) }, { additionalProperties: false });
export type FlowCheckBody = Static<typeof FlowCheckBody>;

/** `scouter:watch` (browser -> Scouter): the cameras this page shows, so previews are sent at the rate and size each needs. */
export const WatchEvent = Type.Object({
  grid: Type.Array(Type.Integer(), { maxItems: 256 }),
  focus: Type.Union([Type.Integer(), Type.Null()]),
});
export type WatchEvent = Static<typeof WatchEvent>;
