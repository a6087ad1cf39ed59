import { Type, type Static } from '@sinclair/typebox';

/**
 * The roles of the system, one per user: admins do everything; operators run cameras, flows,
 * floors and calibrations; reviewers approve and merge labels; annotators label; viewers read the
 * dashboards (Scouter, Kanohi).
 */
export const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('reviewer'), Type.Literal('annotator'), Type.Literal('viewer')]);
export type Role = Static<typeof Role>;
export const ROLES: readonly Role[] = ['admin', 'operator', 'reviewer', 'annotator', 'viewer'];

export const User = Type.Object({ id: Type.Integer(), username: Type.String(), role: Role });
export type User = Static<typeof User>;

export const Username = Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,64}$', description: 'letters, digits, _ . - (1 to 64)' });

/** `POST /auth/login` on any service; the session it opens is valid on all three. */
export const LoginBody = Type.Object({ username: Username, password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

/** `POST /auth/setup`: the first admin, with the one-time token printed at first start. */
export const SetupBody = Type.Object(
  { username: Username, password: Type.String({ minLength: 8, maxLength: 1024 }), setupToken: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const LoginResponse = Type.Object({ token: Type.String(), user: User, expiresAt: Type.String() });
export type LoginResponse = Static<typeof LoginResponse>;

/** A person's account as admins manage it (`GET /users`). */
export const UserAccount = Type.Object({ id: Type.Integer(), username: Type.String(), role: Role, disabled: Type.Boolean(), createdAt: Type.String() });
export type UserAccount = Static<typeof UserAccount>;

/** `PATCH /users/:id` (admin): change the role, disable or enable, or set a new password (ends the user's sessions). */
export const UpdateUserBody = Type.Object(
  { role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })) },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/** `POST /users` (admin). */
export const CreateUserBody = Type.Object({ username: Username, password: Type.String({ minLength: 8, maxLength: 1024 }), role: Role }, { additionalProperties: false });
export type CreateUserBody = Static<typeof CreateUserBody>;

export const TokenService = Type.Union([Type.Literal('hawk'), Type.Literal('scouter'), Type.Literal('kanohi')]);
export type TokenService = Static<typeof TokenService>;

/** `POST /auth/tokens`: an API token acting as its owner, limited to some services and maybe to reads. */
export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    services: Type.Array(TokenService, { minItems: 1, maxItems: 3, uniqueItems: true }),
    readOnly: Type.Optional(Type.Boolean({ description: 'GET/HEAD routes only (default false)' })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'default: never expires (revoke it instead)' })),
  },
  { additionalProperties: false },
);
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;

export const ApiToken = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  userId: Type.Integer(),
  username: Type.String(),
  services: Type.Array(TokenService),
  readOnly: Type.Boolean(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ApiToken = Static<typeof ApiToken>;

/** The answer to `POST /auth/tokens`: the only time the token's text is shown. */
export const CreatedApiToken = Type.Object({ token: Type.String(), info: ApiToken });
export type CreatedApiToken = Static<typeof CreatedApiToken>;

/** `GET /auth/first-run`: whether an admin still has to be created (the web app shows setup then). */
export const FirstRunStatus = Type.Object({ setupNeeded: Type.Boolean() });
export type FirstRunStatus = Static<typeof FirstRunStatus>;
