import { Type, type Static } from '@sinclair/typebox';
import { CreateUserBody, LoginBody, LoginResponse, Role, UpdateUserBody, User, UserAccount, Username } from './auth.ts';
import { INT4_MAX } from './common.ts';

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

/** A user as an admin manages it (`GET /users`, admin): disabled users cannot log in. */
export const HawkUserAccount = UserAccount;
export type HawkUserAccount = Static<typeof HawkUserAccount>;

/** `PATCH /users/:id` (admin): change the role, disable or enable, or set a new password (ends the user's sessions). */
export const HawkUpdateUserBody = UpdateUserBody;
export type HawkUpdateUserBody = Static<typeof HawkUpdateUserBody>;

/** `PUT /projects/:id/members` (admin): the annotators (and others) who may see the project; replaces the list. */
export const HawkMembersBody = Type.Object({ userIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, uniqueItems: true }) }, { additionalProperties: false });
export type HawkMembersBody = Static<typeof HawkMembersBody>;

/**
 * `GET /me/assignments`: the caller's replicas, newest first. Frame fields are 0-based indices
 * (as every `frame*` field of the API); people see them as 1-based frame numbers (index + 1).
 */
export const HawkMyAssignment = Type.Object({
  assignmentId: Type.Integer(),
  setId: Type.Integer(),
  videoId: Type.Integer(),
  videoName: Type.String(),
  projectId: Type.Integer(),
  projectName: Type.String(),
  frameFrom: Type.Integer({ description: '0-based index of the first assigned frame' }),
  frameTo: Type.Integer({ description: '0-based index of the last assigned frame' }),
  version: Type.Integer(),
  /** A consensus merge of the assignment exists: the other replicas and the merged set are visible to its annotators. */
  merged: Type.Boolean(),
});
export type HawkMyAssignment = Static<typeof HawkMyAssignment>;

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

/**
 * Problems of a label schema in plain sentences: empty or repeated names and hotkeys, selects without
 * options, defaults that are not allowed. The server checks with it; the page's schema form shows it.
 */
export function labelSchemaProblems(schema: HawkLabelSchema): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const hotkeys = new Set<string>();
  if (schema.classes.length === 0) problems.push('add at least one class');
  for (const c of schema.classes) {
    if (!c.name.trim()) problems.push('every class needs a name');
    if (c.color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(c.color)) problems.push(`class "${c.name}": colour ${c.color} is not #rrggbb`);
    if (c.hotkey !== undefined && c.hotkey.length !== 1) problems.push(`class "${c.name}": a hotkey is one key`);
    if (names.has(c.name)) problems.push(`class "${c.name}" appears twice`);
    names.add(c.name);
    if (c.hotkey) {
      if (hotkeys.has(c.hotkey)) problems.push(`hotkey "${c.hotkey}" is used by two classes`);
      hotkeys.add(c.hotkey);
    }
    const attrs = new Set<string>();
    for (const a of c.attributes) {
      if (!a.name.trim()) problems.push(`class "${c.name}": every attribute needs a name`);
      if (a.type === 'select' && a.options.length === 0) problems.push(`class "${c.name}": select "${a.name}" needs at least one option`);
      if (attrs.has(a.name)) problems.push(`class "${c.name}": attribute "${a.name}" appears twice`);
      attrs.add(a.name);
      if (a.type === 'select' && !a.options.includes(a.default)) problems.push(`class "${c.name}": default "${a.default}" of "${a.name}" is not one of its options`);
      if (a.type === 'number' && ((a.min !== undefined && a.default < a.min) || (a.max !== undefined && a.default > a.max))) {
        problems.push(`class "${c.name}": default of "${a.name}" is outside [${a.min ?? '-inf'}, ${a.max ?? 'inf'}]`);
      }
    }
  }
  return problems;
}

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
