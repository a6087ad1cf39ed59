import { ApiToken, CreateApiTokenBody, CreateUserBody, CreatedApiToken, FirstRunStatus, LoginBody, LoginResponse, SetupBody, UpdateUserBody, User, UserAccount } from '@sightline/contracts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN, REVIEW } from './access.ts';
import { principalOf } from './auth.plugin.ts';
import { AuthError } from './auth-error.ts';
import type { IdentityService } from './identity.service.ts';
import { SESSION_COOKIE, tokenFrom } from './request-token.ts';
import type { SecuritySettings } from './security-config.ts';

const Ok = Type.Object({ ok: Type.Literal(true) });
const TokenId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) }, { additionalProperties: false });

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: LoginResponse): void {
  // Secure whenever the browser reached us over TLS (directly, or through a trusted proxy).
  reply.setCookie(SESSION_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires: new Date(session.expiresAt) });
}

/**
 * The identity routes every service serves: login/logout/me, first-run setup, users (admin) and
 * API tokens. Login and setup are rate-limited per client address.
 */
export function authRoutes(app: FastifyInstance, identity: IdentityService, settings: SecuritySettings): void {
  const limited = { max: settings.loginAttemptsPerMinute, timeWindow: 60_000 };

  app.get('/auth/first-run', { config: { access: 'public' }, schema: { response: { 200: FirstRunStatus } } }, async () => ({ setupNeeded: await identity.setupNeeded() }));

  app.post('/auth/setup', { config: { access: 'public', rateLimit: limited }, schema: { body: SetupBody, response: { 201: LoginResponse } } }, async (request, reply) => {
    const body = request.body as SetupBody;
    const session = await identity.setup(body.username, body.password, body.setupToken);
    setSessionCookie(request, reply, session);
    return reply.status(201).send(session);
  });

  app.post('/auth/login', { config: { access: 'public', rateLimit: limited }, schema: { body: LoginBody, response: { 200: LoginResponse } } }, async (request, reply) => {
    const body = request.body as LoginBody;
    const session = await identity.login(body.username, body.password);
    setSessionCookie(request, reply, session);
    return reply.send(session);
  });

  app.post('/auth/logout', { config: { access: 'signed-in' }, schema: { response: { 200: Ok } } }, async (request, reply) => {
    const credentials = tokenFrom(request.headers);
    if (credentials && !principalOf(request).token) await identity.logout(credentials.token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.send({ ok: true as const });
  });

  app.get('/auth/me', { config: { access: 'signed-in' }, schema: { response: { 200: User } } }, async (request) => principalOf(request).user);

  app.get('/auth/tokens', { config: { access: 'signed-in' }, schema: { response: { 200: Type.Array(ApiToken) } } }, async (request) => identity.listApiTokens(principalOf(request).user));

  app.post('/auth/tokens', { config: { access: 'signed-in' }, schema: { body: CreateApiTokenBody, response: { 201: CreatedApiToken } } }, async (request, reply) => {
    const principal = principalOf(request);
    // A token cannot mint tokens: only a person logged in makes new credentials.
    if (principal.token) throw new AuthError(403, 'API tokens cannot create tokens; log in to make one.');
    return reply.status(201).send(await identity.createApiToken(principal.user, request.body as CreateApiTokenBody));
  });

  app.delete('/auth/tokens/:id', { config: { access: 'signed-in' }, schema: { params: TokenId, response: { 204: Type.Null({ description: 'Revoked' }) } } }, async (request, reply) => {
    await identity.revokeApiToken(principalOf(request).user, (request.params as { id: number }).id);
    return reply.status(204).send();
  });

  // Reviewers assign work to annotators, so they see the list too; annotators do not.
  app.get('/users', { config: { access: REVIEW }, schema: { response: { 200: Type.Array(UserAccount) } } }, async () => identity.listAccounts());

  app.post('/users', { config: { access: ADMIN }, schema: { body: CreateUserBody, response: { 201: User } } }, async (request, reply) =>
    reply.status(201).send(await identity.createUser(request.body as CreateUserBody)),
  );

  app.patch('/users/:id', { config: { access: ADMIN }, schema: { params: TokenId, body: UpdateUserBody, response: { 200: UserAccount } } }, async (request) =>
    identity.updateUser((request.params as { id: number }).id, request.body as UpdateUserBody, principalOf(request).user),
  );
}
