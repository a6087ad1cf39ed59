import { HawkCreateUserBody, HawkLoginBody, HawkLoginResponse, HawkMyAssignment, HawkUpdateUserBody, HawkUser, HawkUserAccount } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { requestToken, SESSION_COOKIE, userWith } from '../../plugins/auth.ts';
import { IdParams, OkResponse } from '../params.ts';

function sessionCookie(token: string, expiresAt: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Expires=${new Date(expiresAt).toUTCString()}`;
}

/**
 * Login, logout, first-run setup, user management (admin) and the caller's own work. The user routes
 * stay thin (one service call each) so they can move to a shared auth package unchanged.
 */
export function authRoutes(app: ServiceApp, s: HawkServices): void {
  app.post('/auth/setup', { config: { public: true }, schema: { body: HawkLoginBody, response: { 201: HawkLoginResponse } } }, async (request, reply) => {
    const session = await s.auth.setup(request.body.username, request.body.password);
    return reply.status(201).header('set-cookie', sessionCookie(session.token, session.expiresAt)).send(session);
  });

  app.post('/auth/login', { config: { public: true }, schema: { body: HawkLoginBody, response: { 200: HawkLoginResponse } } }, async (request, reply) => {
    const session = await s.auth.login(request.body.username, request.body.password);
    return reply.header('set-cookie', sessionCookie(session.token, session.expiresAt)).send(session);
  });

  app.post('/auth/logout', { schema: { response: { 200: OkResponse } } }, async (request, reply) => {
    await s.auth.logout(requestToken(request)!);
    return reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0`).send({ ok: true as const });
  });

  app.get('/auth/me', { schema: { response: { 200: HawkUser } } }, async (request) => userWith(request));

  app.get('/me/assignments', { schema: { response: { 200: Type.Array(HawkMyAssignment) } } }, async (request) => s.team.myAssignments(userWith(request)));

  // Admins only: the list names every account (reviewers pick annotators from GET /projects/:id/members).
  app.get('/users', { schema: { response: { 200: Type.Array(HawkUserAccount) } } }, async (request) => {
    userWith(request, 'admin');
    return s.auth.listAccounts();
  });

  app.post('/users', { schema: { body: HawkCreateUserBody, response: { 201: HawkUser } } }, async (request, reply) => {
    userWith(request, 'admin');
    return reply.status(201).send(await s.auth.createUser(request.body));
  });

  app.patch('/users/:id', { schema: { params: IdParams, body: HawkUpdateUserBody, response: { 200: HawkUserAccount } } }, async (request) =>
    s.auth.updateUser(request.params.id, request.body, userWith(request, 'admin')),
  );
}
