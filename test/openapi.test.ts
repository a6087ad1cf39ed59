// Every service describes its HTTP API as OpenAPI generated from the routes' TypeBox schemas
// (server-kit's openapi.ts): /openapi.json and the /docs page for logged-in users. Every route a
// service registers must be in its description with what it takes and answers, so the description
// cannot fall behind the code: a route added without schemas fails here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { declaredRoutes } from '@sightline/auth';
import { signIn } from '@sightline/auth/testing';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp as buildHawk } from '@sightline/hawk';
import { buildApp as buildScouter } from '@sightline/scouter';
import { buildApp as buildKanohi } from '@sightline/kanohi';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';

/**
 * Writes whose body is not JSON described by a schema, or that take none: raw uploads (bytes or a
 * file in the format the query names, described in the route's description) and actions.
 */
const NO_JSON_BODY = new Set([
  'POST /auth/logout',
  'PATCH /videos/:id/content',
  'POST /videos/:id/import',
  'PUT /floors/:floorId/image',
  'PUT /cameras/:cameraId/snapshot',
  'POST /flows/:name/start',
  'POST /flows/:name/stop',
  'POST /webhooks/:id/test',
  'POST /heads/:name/rollback',
  'POST /training/jobs/:id/cancel',
]);

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

let db: TestDatabase;
const apps: Record<string, ServiceApp> = {};
let headers: Record<string, string>;
before(async () => {
  db = await createTestDatabase();
  apps.hawk = await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent' }), pool: db.pool });
  apps.scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, mediaRoots: '/nonexistent-media-root' }), pool: db.pool });
  apps.kanohi = await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent' }), pool: db.pool });
  for (const app of Object.values(apps)) await app.ready();
  headers = (await signIn(db.pool, 'viewer')).headers;
});
after(async () => {
  for (const app of Object.values(apps)) await app.close();
  await db.drop();
});

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const hidden = (url: string) => url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/') || url === '*';

for (const service of ['hawk', 'scouter', 'kanohi'] as const) {
  describe(`${service}: OpenAPI`, () => {
    test('/openapi.json and /docs answer logged-in users only', async () => {
      const app = apps[service]!;
      for (const url of ['/openapi.json', '/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/swagger-ui-bundle.js']) {
        assert.equal((await app.inject({ url })).statusCode, 401, `${url} without a login`);
      }
      const spec = await app.inject({ url: '/openapi.json', headers });
      assert.equal(spec.statusCode, 200, spec.body);
      assert.equal(spec.json().openapi, '3.0.3');
      assert.match(spec.json().info.title, new RegExp(service));
      const page = await app.inject({ url: '/docs/', headers });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /swagger-ui-bundle\.js/);
      // The page's own scripts may run there (every other route keeps default-src 'none').
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      const bundle = await app.inject({ url: '/docs/static/swagger-ui-bundle.js', headers });
      assert.equal(bundle.statusCode, 200, 'the UI assets come from the installed package');
      assert.ok(bundle.rawPayload.length > 100_000);
    });

    test('every route is described: path parameters, JSON body, a success response', async () => {
      const spec = (await apps[service]!.inject({ url: '/openapi.json', headers })).json() as { paths: Record<string, Record<string, Operation>> };
      const routes = declaredRoutes(apps[service]!).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !hidden(r.url));
      assert.ok(routes.length >= 15, `${routes.length} routes`);
      const problems: string[] = [];
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        const op = spec.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
        if (!op) {
          problems.push(`${key}: not in the description`);
          continue;
        }
        for (const name of [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!)) {
          if (!op.parameters?.some((p) => p.in === 'path' && p.name === name)) problems.push(`${key}: path parameter ${name} undocumented`);
        }
        if (['POST', 'PUT', 'PATCH'].includes(route.method) && !NO_JSON_BODY.has(key) && !op.requestBody?.content?.['application/json']) problems.push(`${key}: no JSON body schema`);
        const success = Object.entries(op.responses ?? {}).filter(([code]) => /^[23]\d\d$/.test(code));
        if (success.length === 0) problems.push(`${key}: no success response documented (only ${Object.keys(op.responses ?? {}).join(', ') || 'none'})`);
        for (const [code, response] of success) {
          if (code !== '204' && !response.content) problems.push(`${key}: response ${code} has no schema`);
        }
      }
      assert.deepEqual(problems, []);
    });
  });
}
