import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { createService, type ServiceApp } from './create-service.ts';

let db: TestDatabase;
let app: ServiceApp;
before(async () => {
  db = await createTestDatabase();
  app = createService({ service: 'hawk', version: '0.0.0', pool: db.pool, logLevel: false, socketReaders: ['admin'] }).app;
  const Camera = Type.Object({ name: Type.String({ minLength: 1 }), fps: Type.Number({ minimum: 1 }) }, { additionalProperties: false });
  app.post('/cameras', { config: { access: 'public' }, schema: { body: Camera } }, async (request) => request.body);
  app.get('/boom', { config: { access: 'public' } }, async () => {
    throw new Error('secret connection string postgres://u:p@h/db');
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await db.drop();
});

test('a body with unknown properties is rejected naming each one, not silently stripped', async () => {
  const res = await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'lobby', fps: 10, nmae: 'typo', loop: true } });
  assert.equal(res.statusCode, 400);
  const { message } = res.json() as { message: string };
  assert.match(message, /unknown property "nmae"/);
  assert.match(message, /unknown property "loop"/);
});

test('every invalid field is reported at once, with its path', async () => {
  const res = await app.inject({ method: 'POST', url: '/cameras', payload: { name: '', fps: 0 } });
  assert.equal(res.statusCode, 400);
  const { message } = res.json() as { message: string };
  assert.match(message, /body\/name must NOT have fewer than 1 characters/);
  assert.match(message, /body\/fps must be >= 1/);
});

test('a valid body passes through unchanged', async () => {
  const res = await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'lobby', fps: 10 } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { name: 'lobby', fps: 10 });
});

test('malformed JSON is a 400 that says so', async () => {
  const res = await app.inject({ method: 'POST', url: '/cameras', headers: { 'content-type': 'application/json' }, payload: '{"name": "lobby",' });
  assert.equal(res.statusCode, 400);
  assert.match((res.json() as { message: string }).message, /JSON/i);
});

test('a 500 hides the internals behind the request id', async () => {
  const res = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(res.statusCode, 500);
  const { message } = res.json() as { message: string };
  assert.doesNotMatch(message, /postgres:\/\//);
  assert.match(message, /request id req-/);
});
