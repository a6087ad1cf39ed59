import { Type, type Static } from '@sinclair/typebox';
import { INT4_MAX } from './common.ts';

/** The three Hawk roles: annotators label, reviewers also approve/reject and merge, admins do everything. */
export const HawkRole = Type.Union([Type.Literal('annotator'), Type.Literal('reviewer'), Type.Literal('admin')]);
export type HawkRole = Static<typeof HawkRole>;

export const HawkUser = Type.Object({ id: Type.Integer(), username: Type.String(), role: HawkRole });
export type HawkUser = Static<typeof HawkUser>;

export const HawkUsername = Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,64}$', description: 'letters, digits, _ . - (1 to 64)' });

/** `POST /auth/login` and `POST /auth/setup` (first admin, only while no user exists). */
export const HawkLoginBody = Type.Object({ username: HawkUsername, password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export type HawkLoginBody = Static<typeof HawkLoginBody>;

export const HawkLoginResponse = Type.Object({ token: Type.String(), user: HawkUser, expiresAt: Type.String() });
export type HawkLoginResponse = Static<typeof HawkLoginResponse>;

/** `POST /users` (admin). */
export const HawkCreateUserBody = Type.Object(
  { username: HawkUsername, password: Type.String({ minLength: 8, maxLength: 1024 }), role: HawkRole },
  { additionalProperties: false },
);
export type HawkCreateUserBody = Static<typeof HawkCreateUserBody>;

// ---- label schema ----

const AttributeBase = { name: Type.String({ minLength: 1, maxLength: 64 }) };
/** One attribute of a class; `default` is used for new boxes. */
export const HawkAttributeSpec = Type.Union([
  Type.Object({ ...AttributeBase, type: Type.Literal('select'), options: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 500 }), default: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
  Type.Object({ ...AttributeBase, type: Type.Literal('checkbox'), default: Type.Boolean() }, { additionalProperties: false }),
  Type.Object({ ...AttributeBase, type: Type.Literal('number'), min: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })), max: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })), default: Type.Number({ minimum: -1e12, maximum: 1e12 }) }, { additionalProperties: false }),
  Type.Object({ ...AttributeBase, type: Type.Literal('text'), default: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
]);
export type HawkAttributeSpec = Static<typeof HawkAttributeSpec>;

export const HawkClassSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    hotkey: Type.Optional(Type.String({ minLength: 1, maxLength: 1 })),
    attributes: Type.Array(HawkAttributeSpec, { default: [], maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type HawkClassSpec = Static<typeof HawkClassSpec>;

export const HawkLabelSchema = Type.Object({ classes: Type.Array(HawkClassSpec, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export type HawkLabelSchema = Static<typeof HawkLabelSchema>;

export const HawkProjectBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), labelSchema: HawkLabelSchema }, { additionalProperties: false });
export type HawkProjectBody = Static<typeof HawkProjectBody>;

/** `PUT /projects/:id/schema`; `renames` moves existing annotations from an old class name to a new one. */
export const HawkSchemaUpdateBody = Type.Object(
  { labelSchema: HawkLabelSchema, schemaVersion: Type.Integer({ minimum: 1, maximum: INT4_MAX }), renames: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 }))) },
  { additionalProperties: false },
);
export type HawkSchemaUpdateBody = Static<typeof HawkSchemaUpdateBody>;

export const HawkProject = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  labelSchema: HawkLabelSchema,
  schemaVersion: Type.Integer(),
  createdAt: Type.String(),
  videoCount: Type.Integer(),
});
export type HawkProject = Static<typeof HawkProject>;

// ---- videos ----

export const HawkVideoStatus = Type.Union([Type.Literal('uploading'), Type.Literal('extracting'), Type.Literal('ready'), Type.Literal('failed')]);
export type HawkVideoStatus = Static<typeof HawkVideoStatus>;

/** `POST /projects/:id/videos`: announces an upload; bytes then go to `PATCH /videos/:id/content`. */
export const HawkCreateVideoBody = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
    sizeBytes: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    frameStep: Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'keep every Nth source frame' }),
  },
  { additionalProperties: false },
);
export type HawkCreateVideoBody = Static<typeof HawkCreateVideoBody>;

export const HawkVideo = Type.Object({
  id: Type.Integer(),
  projectId: Type.Integer(),
  fileName: Type.String(),
  status: HawkVideoStatus,
  sizeBytes: Type.Integer(),
  receivedBytes: Type.Integer(),
  frameStep: Type.Integer(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  fps: Type.Union([Type.Number(), Type.Null()]),
  durationS: Type.Union([Type.Number(), Type.Null()]),
  frameCount: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  /** Share of frames in approved review ranges of the export set, 0..1. */
  approvedShare: Type.Number(),
  createdAt: Type.String(),
});
export type HawkVideo = Static<typeof HawkVideo>;

/** socket.io `hawk:extraction`: progress of frame extraction (0..1), then the final state. */
export const HawkExtractionEvent = Type.Object({
  videoId: Type.Integer(),
  status: HawkVideoStatus,
  progress: Type.Number(),
  frameCount: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type HawkExtractionEvent = Static<typeof HawkExtractionEvent>;
