import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TokenService } from '@sightline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decide, type Access, type Principal } from './access.ts';
import { AuthError } from './auth-error.ts';
import { authRoutes } from './auth.routes.ts';
import type { IdentityService } from './identity.service.ts';
import { tokenFrom } from './request-token.ts';
import { webOriginList, type SecuritySettings } from './security-config.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (set before validation); null on public routes and for anonymous callers. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route; a route without it is closed to everyone (see packages/auth). */
    access?: Access;
  }
}

export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access | undefined;
}

/** The routes a service registered with the access each declared (the authorization matrix test reads it). */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return (app as unknown as { [ROUTES]?: DeclaredRoute[] })[ROUTES] ?? [];
}
const ROUTES = Symbol.for('sightline.declaredRoutes');

/** The request's principal, for routes past the access check; 401 when there is none. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthError(401, 'Log in first.');
  return request.principal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Installs the system's identity on a service: every route's `config.access` is checked in
 * onRequest, before the body is parsed or validated, against the session cookie or bearer token;
 * cookie-authenticated writes must come from a configured web origin (CSRF); `/auth/*`, `/users`
 * and `/auth/tokens` are served, login and setup rate-limited. Call before any route is added.
 * @example installIdentity(app, { identity, service: 'scouter', settings: config });
 */
export function installIdentity(app: FastifyInstance, options: { identity: IdentityService; service: TokenService; settings: SecuritySettings }): void {
  const routes: DeclaredRoute[] = [];
  (app as unknown as { [ROUTES]: DeclaredRoute[] })[ROUTES] = routes;
  app.addHook('onRoute', (route) => {
    // @fastify/cors answers preflights on its own OPTIONS * route; a preflight carries no credentials.
    if (route.method === 'OPTIONS' && route.url === '*') route.config = { ...route.config, access: 'public' };
    // Read when asked, not now: a plugin whose routes take no options (swagger-ui) sets their access
    // in its own onRoute hook, which runs after this one on the same route options.
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, get access() { return route.config?.access; } });
  });
  const origins = new Set(webOriginList(options.settings));

  void app.register(cookie);
  void app.register(rateLimit, { global: false });
  const plugin = async (scope: FastifyInstance) => {
    scope.decorateRequest('principal', null);
    scope.addHook('onRequest', async (request) => {
      if (request.routeOptions.url === undefined) return; // unknown routes: the 404 handler answers
      const access = request.routeOptions.config.access;
      if (access === 'public') return;
      const credentials = tokenFrom(request.headers);
      const principal = credentials ? await options.identity.principalFor(credentials.token) : undefined;
      if (credentials?.via === 'cookie' && UNSAFE.has(request.method)) {
        const origin = request.headers.origin;
        if (origin !== undefined && !origins.has(origin)) throw new AuthError(403, `Requests from ${origin} may not use the session cookie; set SIGHTLINE_WEB_ORIGINS to allow a web origin.`);
      }
      const verdict = decide(access, principal, request.method, options.service);
      if (!verdict.ok) {
        if (access === undefined) request.log.error(`${request.method} ${request.routeOptions.url} declares no access rule; refused`);
        throw new AuthError(verdict.status, credentials && !principal ? 'Your session has expired, was logged out or the token was revoked; log in again.' : verdict.message);
      }
      request.principal = principal ?? null;
    });
    authRoutes(scope, options.identity, options.settings);
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  void app.register(plugin);
}
