import type { HawkRole, HawkUser } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import type { FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../lib/http-error.ts';
import type { AuthService } from '../services/auth.service.ts';

export const SESSION_COOKIE = 'hawk_session';

declare module 'fastify' {
  interface FastifyRequest {
    hawkUser: HawkUser | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a session (login, setup). */
    public?: boolean;
  }
}

/** The session token of a request: `Authorization: Bearer <token>` or the `hawk_session` cookie. */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return cookie ? decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)) : undefined;
}

/**
 * Every Hawk route needs a session except health checks and routes marked `config: { public: true }`,
 * so every write is attributed to a user.
 */
export function installAuth(app: ServiceApp, auth: AuthService): void {
  app.decorateRequest('hawkUser', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined || url === '/healthz' || url === '/readyz' || request.routeOptions.config.public || request.method === 'OPTIONS') return;
    const token = requestToken(request);
    if (!token) throw unauthorized('Log in first (POST /auth/login) and send the token as "Authorization: Bearer <token>".');
    const user = await auth.userForToken(token);
    if (!user) throw unauthorized('Your session has expired or was logged out; log in again.');
    request.hawkUser = user;
  });
}

const rank: Record<HawkRole, number> = { annotator: 0, reviewer: 1, admin: 2 };

/** The request's user, who must hold at least `role` (admin > reviewer > annotator). */
export function userWith(request: FastifyRequest, role: HawkRole = 'annotator'): HawkUser {
  const user = request.hawkUser;
  if (!user) throw unauthorized('Log in first.');
  if (rank[user.role] < rank[role]) throw forbidden(`This needs the ${role} role; you are ${user.username} (${user.role}).`);
  return user;
}
