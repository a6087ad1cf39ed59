import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The API description of a service, generated from the TypeBox schemas its routes declare
 * (@fastify/swagger): `GET /openapi.json`, and a browsable page at `/docs` (@fastify/swagger-ui,
 * its assets served from the package). Readable by any logged-in user: the description names no
 * data, only the routes and their shapes, and each route still checks its own access; anonymous
 * callers learn nothing about the surface. Register before the routes, so every route is seen.
 * @example registerOpenApi(app, { service: 'hawk', version: '0.1.0' })
 */
export function registerOpenApi(app: FastifyInstance, options: { service: string; version: string }): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: `Sightline ${options.service}`, version: options.version, description: `The HTTP API of ${options.service}. Every route but /healthz, /readyz, /auth/login, /auth/setup and /auth/first-run needs a session cookie or "Authorization: Bearer <token>".` },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sightline_session' }, token: { type: 'http', scheme: 'bearer' } } },
      security: [{ session: [] }, { token: [] }],
    },
  });
  void app.register(async (docs) => {
    // swagger-ui's routes take no options of their own: they (and /openapi.json) get the access
    // rule here, before packages/auth's check reads it per request (its route table reads it lazily).
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'signed-in' };
    });
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      // The page needs its own scripts and styles; every other route keeps helmet's default-src 'none'.
      staticCSP: true,
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, '').replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
    });
    docs.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });
}

/**
 * A response schema for bytes that are not JSON (images, ZIPs, ONNX files): documents the content
 * type in the OpenAPI description; fastify sends Buffers and streams as they are.
 * @example response: { 200: binaryResponse('image/jpeg', 'The latest preview frame') }
 */
export function binaryResponse(contentType: string, description: string) {
  return { description, content: { [contentType]: { schema: { type: 'string', format: 'binary' } } } } as const;
}
