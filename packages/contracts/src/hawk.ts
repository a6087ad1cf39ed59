import { Type, type Static } from '@sinclair/typebox';
import { CreateUserBody, LoginBody, LoginResponse, Role, User, Username } from './auth.ts';

// Hawk's users are the system's users (packages/auth); these names stay for Hawk's code and the web.
export const HawkRole = Role;
export type HawkRole = Role;
export const HawkUser = User;
export type HawkUser = User;
export const HawkUsername = Username;
export const HawkLoginBody = LoginBody;
export type HawkLoginBody = LoginBody;
export const HawkLoginResponse = LoginResponse;
export type HawkLoginResponse = LoginResponse;
export const HawkCreateUserBody = CreateUserBody;
export type HawkCreateUserBody = CreateUserBody;

// ---- label schema ----

const AttributeBase = { name: Type.String({ minLength: 1, maxLength: 64 }) };
/** One attribute of a class; `default` is used for new boxes. */
export const HawkAttributeSpec = Type.Union([
  Type.Object({ ...AttributeBase, type: Type.Literal('select'), options: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), default: Type.String() }, { additionalProperties: false }),
  Type.Object({ ...AttributeBase, type: Type.Literal('checkbox'), default: Type.Boolean() }, { additionalProperties: false }),
  Type.Object({ ...AttributeBase, type: Type.Literal('number'), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()), default: Type.Number() }, { additionalProperties: false }),
  Type.Object({ ...AttributeBase, type: Type.Literal('text'), default: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
]);
export type HawkAttributeSpec = Static<typeof HawkAttributeSpec>;

export const HawkClassSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    hotkey: Type.Optional(Type.String({ minLength: 1, maxLength: 1 })),
    attributes: Type.Array(HawkAttributeSpec, { default: [] }),
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
  { labelSchema: HawkLabelSchema, schemaVersion: Type.Integer({ minimum: 1 }), renames: Type.Optional(Type.Record(Type.String(), Type.String())) },
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
    sizeBytes: Type.Integer({ minimum: 1 }),
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
