// The authorization matrix: every route every service registers (read from fastify's route table
// through the onRoute hook, so a new route cannot be left out) times every role and anonymous,
// checked against the one table below. A route missing from the table, or a table row no service
// registers, fails the test; so does any answer that disagrees with the table.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN, ANNOTATE, DASHBOARD, OPERATE, REVIEW, declaredRoutes, type Access } from '@sightline/auth';
import { signIn } from '@sightline/auth/testing';
import { ROLES, type Role } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import { startAllServices, type AllServices } from './support/all-services.ts';

const SIGNED_IN: Access = 'signed-in';
/** Served by every service (packages/auth and server-kit). */
const common: Record<string, Access> = {
  'GET /healthz': 'public',
  'HEAD /healthz': 'public',
  'GET /readyz': 'public',
  'HEAD /readyz': 'public',
  'OPTIONS *': 'public',
  'GET /auth/first-run': 'public',
  'HEAD /auth/first-run': 'public',
  'POST /auth/setup': 'public',
  'POST /auth/login': 'public',
  'POST /auth/logout': SIGNED_IN,
  'GET /auth/me': SIGNED_IN,
  'HEAD /auth/me': SIGNED_IN,
  'GET /auth/tokens': SIGNED_IN,
  'HEAD /auth/tokens': SIGNED_IN,
  'POST /auth/tokens': SIGNED_IN,
  'DELETE /auth/tokens/:id': SIGNED_IN,
  'GET /users': REVIEW,
  'HEAD /users': REVIEW,
  'POST /users': ADMIN,
  'PATCH /users/:id': ADMIN,
  // The API description (server-kit's openapi.ts): any logged-in user; see docs/ARCHITECTURE.md.
  'GET /openapi.json': SIGNED_IN,
  'HEAD /openapi.json': SIGNED_IN,
  'GET /docs': SIGNED_IN,
  'HEAD /docs': SIGNED_IN,
  // fastify adds the trailing-slash twin of the page's route; its onRoute reports only the HEAD.
  'HEAD /docs/': SIGNED_IN,
  'GET /docs/json': SIGNED_IN,
  'HEAD /docs/json': SIGNED_IN,
  'GET /docs/yaml': SIGNED_IN,
  'HEAD /docs/yaml': SIGNED_IN,
  'GET /docs/static/index.html': SIGNED_IN,
  'HEAD /docs/static/index.html': SIGNED_IN,
  'GET /docs/static/swagger-initializer.js': SIGNED_IN,
  'HEAD /docs/static/swagger-initializer.js': SIGNED_IN,
  'GET /docs/static/*': SIGNED_IN,
  'HEAD /docs/static/*': SIGNED_IN,
};

/** GET routes answer HEAD too (fastify adds it), with the same access. */
function withHead(table: Record<string, Access>): Record<string, Access> {
  const out = { ...table };
  for (const [key, access] of Object.entries(table)) if (key.startsWith('GET ')) out[`HEAD ${key.slice(4)}`] = access;
  return out;
}

const expected: Record<'hawk' | 'scouter' | 'kanohi', Record<string, Access>> = {
  hawk: withHead({
    ...common,
    'GET /projects': ANNOTATE,
    'POST /projects': ADMIN,
    'GET /projects/:id': ANNOTATE,
    'PUT /projects/:id/schema': ADMIN,
    'GET /projects/:id/videos': ANNOTATE,
    'POST /projects/:id/videos': ADMIN,
    'GET /videos/:id': ANNOTATE,
    'PATCH /videos/:id/content': ADMIN,
    'DELETE /videos/:id': ADMIN,
    'GET /videos/:id/frames': ANNOTATE,
    'GET /videos/:id/frames/:index': ANNOTATE,
    'GET /videos/:id/sets': ANNOTATE,
    'GET /sets/:id/annotations': ANNOTATE,
    'PATCH /sets/:id/annotations': ANNOTATE,
    'GET /sets/:id/history': ANNOTATE,
    'GET /videos/:id/assignments': ANNOTATE,
    'POST /videos/:id/assignments': REVIEW,
    'POST /assignments/:id/merge': REVIEW,
    'POST /sets/:id/reviews': REVIEW,
    'GET /videos/:id/reviews': ANNOTATE,
    'POST /videos/:id/prelabel': ANNOTATE,
    'GET /videos/:id/prelabel': ANNOTATE,
    'GET /prelabel/:id': ANNOTATE,
    'GET /videos/:id/export': ANNOTATE,
    'POST /videos/:id/import': ANNOTATE,
    'GET /projects/:id/members': REVIEW,
    'PUT /projects/:id/members': ADMIN,
    'GET /me/assignments': ANNOTATE,
  }),
  scouter: withHead({
    ...common,
    'GET /detectors': DASHBOARD,
    'GET /cameras': DASHBOARD,
    'POST /cameras': OPERATE,
    'GET /cameras/:id': DASHBOARD,
    'PATCH /cameras/:id': OPERATE,
    'DELETE /cameras/:id': OPERATE,
    'GET /flows': DASHBOARD,
    'PUT /flows/:name': OPERATE,
    'GET /flows/:name': DASHBOARD,
    'POST /flows/:name/start': OPERATE,
    'POST /flows/:name/stop': OPERATE,
    'DELETE /flows/:name': OPERATE,
    'GET /metrics': OPERATE,
    'GET /inference': DASHBOARD,
    'POST /flows/check': OPERATE,
    'GET /cameras/:id/frame': DASHBOARD,
    'GET /events': DASHBOARD,
    'GET /events/:id/snapshot.jpg': DASHBOARD,
    'GET /webhooks': OPERATE,
    'POST /webhooks': OPERATE,
    'DELETE /webhooks/:id': OPERATE,
    'POST /webhooks/:id/test': OPERATE,
    'GET /settings': DASHBOARD,
    'GET /training/jobs': DASHBOARD,
    'POST /training/jobs': OPERATE,
    'GET /training/jobs/:id': DASHBOARD,
    'GET /training/jobs/:id/wrong/:index/crop.jpg': DASHBOARD,
    'POST /training/jobs/:id/cancel': OPERATE,
    'GET /heads': DASHBOARD,
    'POST /heads/:name/deploy': OPERATE,
    'POST /heads/:name/rollback': OPERATE,
    'GET /heads/:name/:version/model.onnx': DASHBOARD,
    'GET /heads/:name/:version/card': DASHBOARD,
  }),
  kanohi: withHead({
    ...common,
    'GET /floors': DASHBOARD,
    'POST /floors': OPERATE,
    'GET /floors/:floorId': DASHBOARD,
    'PATCH /floors/:floorId': OPERATE,
    'DELETE /floors/:floorId': OPERATE,
    'PUT /floors/:floorId/image': OPERATE,
    'GET /floors/:floorId/image': DASHBOARD,
    'GET /floors/:floorId/zones': DASHBOARD,
    'POST /floors/:floorId/zones': OPERATE,
    'DELETE /floors/:floorId/zones/:zoneId': OPERATE,
    'GET /floors/:floorId/lines': DASHBOARD,
    'POST /floors/:floorId/lines': OPERATE,
    'DELETE /floors/:floorId/lines/:lineId': OPERATE,
    'GET /cameras': DASHBOARD,
    'GET /cameras/:cameraId': DASHBOARD,
    'PUT /cameras/:cameraId/placement': OPERATE,
    'PUT /cameras/:cameraId/snapshot': OPERATE,
    'GET /cameras/:cameraId/snapshot': DASHBOARD,
    'GET /cameras/:cameraId/calibrations': DASHBOARD,
    'POST /cameras/:cameraId/calibrations': OPERATE,
    'GET /cameras/:cameraId/backfill': DASHBOARD,
    'POST /calibrations/solve': OPERATE,
    'GET /floors/:floorId/heatmap': DASHBOARD,
    'GET /floors/:floorId/stats/counts': DASHBOARD,
    'GET /floors/:floorId/stats/zones': DASHBOARD,
    'GET /floors/:floorId/stats/lines': DASHBOARD,
    'PATCH /floors/:floorId/zones/:zoneId': OPERATE,
    'PATCH /floors/:floorId/lines/:lineId': OPERATE,
    'GET /floors/:floorId/people': DASHBOARD,
    'GET /floors/:floorId/hours': DASHBOARD,
    'GET /floors/:floorId/attributes': DASHBOARD,
    'GET /floors/:floorId/identities': DASHBOARD,
  }),
};

let services: AllServices;
let db: TestDatabase;
let apps: AllServices['apps'];
before(async () => {
  services = await startAllServices();
  ({ db, apps } = services);
});
after(() => services?.close());

const concrete = (url: string) => url.replace(/:name/g, 'nothing-here').replace(/:\w+/g, '999999').replace('*', 'healthz');

for (const service of ['hawk', 'scouter', 'kanohi'] as const) {
  describe(`${service}: authorization matrix`, () => {
    test('every registered route is in the table and every table row is registered', () => {
      const registered = declaredRoutes(apps[service]!).map((r) => `${r.method} ${r.url}`);
      const table = Object.keys(expected[service]);
      assert.deepEqual(registered.filter((r) => !table.includes(r)).sort(), [], 'routes missing from the table');
      assert.deepEqual(table.filter((r) => !registered.includes(r)).sort(), [], 'table rows no route matches');
      for (const route of declaredRoutes(apps[service]!)) {
        assert.deepEqual(route.access, expected[service][`${route.method} ${route.url}`], `${route.method} ${route.url} declares what the table says`);
      }
    });

    test('anonymous and every role get exactly what the table allows (role checked before the body)', async () => {
      // Fresh sessions per service, and logout last: it ends the session the other rows use.
      const tokens = new Map<Role, string>();
      for (const role of ROLES) tokens.set(role, (await signIn(db.pool, role)).token);
      const routes = [...declaredRoutes(apps[service]!)].sort((a, b) => Number(a.url === '/auth/logout') - Number(b.url === '/auth/logout'));
      let checked = 0;
      for (const route of routes) {
        if (route.method === 'OPTIONS') continue;
        for (const who of [undefined, ...ROLES]) {
          const res = await apps[service]!.inject({
            method: route.method as 'GET',
            url: concrete(route.url),
            headers: who ? { authorization: `Bearer ${tokens.get(who)}` } : {},
            // A body no route accepts: an allowed caller gets 400/404, a refused one 401/403.
            ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: { 'not-a-field': true } } : {}),
          });
          const access = route.access!;
          const allowed = access === 'public' || (who !== undefined && (access === 'signed-in' || access.includes(who)));
          const label = `${route.method} ${route.url} as ${who ?? 'anonymous'}: ${res.statusCode} ${res.body.slice(0, 120)}`;
          if (allowed) assert.ok(res.statusCode !== 401 && res.statusCode !== 403, label);
          else assert.equal(res.statusCode, who ? 403 : 401, label);
          checked++;
        }
      }
      assert.ok(checked >= routes.length * 5, `${checked} route x caller pairs checked`);
    });
  });
}

test('API tokens: hashed at rest, limited to their services and to reads when read-only, revocable', async () => {
  const operator = await signIn(db.pool, 'operator');
  const made = await apps.kanohi!.inject({ method: 'POST', url: '/auth/tokens', headers: operator.headers, payload: { name: 'exporter', services: ['scouter'], readOnly: true } });
  assert.equal(made.statusCode, 201, made.body);
  const { token, info } = made.json() as { token: string; info: { id: number } };
  assert.match(token, /^slt_/);
  const stored = await db.pool.query('SELECT token_hash FROM auth_api_tokens WHERE id = $1', [info.id]);
  assert.notEqual(stored.rows[0].token_hash, token, 'only a hash is stored');
  assert.ok(!stored.rows[0].token_hash.includes(token.slice(4)), 'the hash does not contain the token');
  const bearer = { authorization: `Bearer ${token}` };
  assert.equal((await apps.scouter!.inject({ method: 'GET', url: '/cameras', headers: bearer })).statusCode, 200);
  const write = await apps.scouter!.inject({ method: 'POST', url: '/cameras', headers: bearer, payload: { name: 'x', uri: 'rtsp://203.0.113.5/s' } });
  assert.equal(write.statusCode, 403);
  assert.match(write.json().message, /read-only/);
  const elsewhere = await apps.kanohi!.inject({ method: 'GET', url: '/floors', headers: bearer });
  assert.equal(elsewhere.statusCode, 403);
  assert.match(elsewhere.json().message, /not valid for kanohi/);
  const minted = await apps.scouter!.inject({ method: 'POST', url: '/auth/tokens', headers: bearer, payload: { name: 'child', services: ['scouter'] } });
  assert.equal(minted.statusCode, 403, 'a token cannot mint tokens');
  assert.equal((await apps.hawk!.inject({ method: 'DELETE', url: `/auth/tokens/${info.id}`, headers: operator.headers })).statusCode, 204);
  assert.equal((await apps.scouter!.inject({ method: 'GET', url: '/cameras', headers: bearer })).statusCode, 401, 'revoked');
});

test('one login serves all three services, by bearer token and by the session cookie', async () => {
  const viewer = await signIn(db.pool, 'viewer');
  const login = await apps.hawk!.inject({ method: 'POST', url: '/auth/login', payload: { username: viewer.username, password: `${viewer.username}-secret` } });
  assert.equal(login.statusCode, 200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  assert.match(cookie, /^sightline_session=/);
  for (const service of ['scouter', 'kanohi'] as const) {
    const url = service === 'scouter' ? '/cameras' : '/floors';
    assert.equal((await apps[service]!.inject({ method: 'GET', url, headers: { cookie } })).statusCode, 200, `${service} by cookie`);
    assert.equal((await apps[service]!.inject({ method: 'GET', url, headers: { authorization: `Bearer ${login.json().token}` } })).statusCode, 200, `${service} by bearer`);
  }
});
