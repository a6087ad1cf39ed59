import { HawkCreateUserBody, HawkLoginBody, HawkLoginResponse, HawkUser } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { HawkServices } from '../../hawk-services.ts';
import { requestToken, SESSION_COOKIE, userWith } from '../../plugins/auth.ts';
import { OkResponse } from '../params.ts';

function sessionCookie(token: string, expiresAt: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Expires=${new Date(expiresAt).toUTCString()}`;
}

/** Login, logout, first-run setup, and user management (admin). */
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

  app.get('/users', { schema: { response: { 200: Type.Array(HawkUser) } } }, async (request) => {
    userWith(request);
    return s.auth.listUsers();
  });

  app.post('/users', { schema: { body: HawkCreateUserBody, response: { 201: HawkUser } } }, async (request, reply) => {
    userWith(request, 'admin');
    return reply.status(201).send(await s.auth.createUser(request.body));
  });
}
