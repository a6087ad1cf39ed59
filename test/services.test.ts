// The three services share one frame (server-kit); this table checks each of them the same way,
// against the real embedded PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { signIn } from '@sightline/auth/testing';
import { createPool, createTestDatabase, freePort, type TestDatabase } from '@sightline/db';
import { ConfigError, type ServiceApp } from '@sightline/server-kit';
import { buildApp as buildHawk } from '@sightline/hawk';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { buildApp as buildScouter } from '@sightline/scouter';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { buildApp as buildKanohi } from '@sightline/kanohi';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';

const services = [
  { name: 'hawk', prefix: 'HAWK', port: 3001, build: buildHawk, load: loadHawkConfig },
  { name: 'scouter', prefix: 'SCOUTER', port: 3002, build: buildScouter, load: loadScouterConfig },
  { name: 'kanohi', prefix: 'KANOHI', port: 3003, build: buildKanohi, load: loadKanohiConfig },
] as const;

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.drop());

for (const service of services) {
  describe(`${service.name} service`, () => {
    let app: ServiceApp;
    before(async () => {
      app = await service.build({ config: service.load({}, { logLevel: 'silent' }) as never, pool: db.pool });
    });
    after(() => app.close());

    test('GET /healthz names the service', async () => {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.status, 'ok');
      assert.equal(body.service, service.name);
      assert.match(body.version, /^\d+\.\d+\.\d+/);
    });

    test('a CORS preflight from the web app allows every verb the APIs use, with credentials', async () => {
      const res = await app.inject({
        method: 'OPTIONS',
        url: '/healthz',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
      });
      assert.equal(res.statusCode, 204);
      assert.equal(res.headers['access-control-allow-origin'], 'http://localhost:3000');
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
      for (const verb of ['PUT', 'PATCH', 'DELETE']) assert.match(String(res.headers['access-control-allow-methods']), new RegExp(verb));
      assert.match(String(res.headers['access-control-allow-headers']), /authorization/);
    });

    test('GET /readyz is 200 with the database reachable', async () => {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ready', service: service.name, checks: { database: true } });
    });

    test('GET /readyz is 503 when the database is unreachable', async () => {
      const deadPool = createPool(`postgres://nobody:x@127.0.0.1:${await freePort()}/none`, { log: () => undefined });
      const lonely = await service.build({ config: service.load({}, { logLevel: 'silent' }) as never, pool: deadPool });
      try {
        const res = await lonely.inject({ method: 'GET', url: '/readyz' });
        assert.equal(res.statusCode, 503);
        assert.deepEqual(res.json().checks, { database: false });
      } finally {
        await lonely.close();
        await deadPool.end();
      }
    });

    test('an unknown route answers a JSON 404 that names it', async () => {
      const res = await app.inject({ method: 'GET', url: '/no/such/thing' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().message, 'No route GET /no/such/thing');
    });

    test('a socket.io client receives service:status on connect', async () => {
      const live = await service.build({ config: service.load({}, { logLevel: 'silent' }) as never, pool: db.pool });
      await live.listen({ host: '127.0.0.1', port: 0 });
      const { port } = live.server.address() as AddressInfo;
      const { token } = await signIn(db.pool, 'admin');
      const socket = connect(`http://127.0.0.1:${port}`, { auth: { token }, transports: ['websocket'], reconnection: false });
      try {
        const status = await new Promise<unknown>((resolve, reject) => {
          socket.once('service:status', resolve);
          socket.once('connect_error', reject);
        });
        assert.deepEqual(status, { service: service.name, version: '0.1.0', database: true });
      } finally {
        socket.close();
        await live.close();
      }
    });

    test('config: defaults, env values, and errors that name the key', () => {
      const defaults = service.load({});
      assert.equal(defaults.port, service.port);
      assert.equal(service.load({ [`${service.prefix}_PORT`]: '4100' }).port, 4100);
      assert.throws(
        () => service.load({ [`${service.prefix}_PORT`]: 'eighty' }),
        (err: Error) => err instanceof ConfigError && err.message.includes(`${service.prefix}_PORT`),
      );
      assert.throws(
        () => service.load({ [`${service.prefix}_PROT`]: '1' }),
        (err: Error) => err instanceof ConfigError && err.message.includes(`${service.prefix}_PROT is not a known setting`),
      );
      assert.throws(() => service.load({ [`${service.prefix}_LOG_LEVEL`]: 'loud' }), new RegExp(`${service.prefix}_LOG_LEVEL`));
    });
  });
}
