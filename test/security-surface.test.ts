// The browser-facing surface of the services: socket.io authentication and origin check, CORS
// locked to the web origins, security headers, Secure cookies behind a TLS proxy, CSRF on cookie
// writes, login rate limits, and the first run on a fresh database.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { io as connect } from 'socket.io-client';
import { IdentityService } from '@sightline/auth';
import { signIn } from '@sightline/auth/testing';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp as buildHawk } from '@sightline/hawk';
import { buildApp as buildKanohi } from '@sightline/kanohi';
import { loadHawkConfig } from '../services/hawk/src/config.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';

const WEB = 'http://localhost:3000';
let db: TestDatabase;
let hawk: ServiceApp;
let kanohi: ServiceApp;
before(async () => {
  db = await createTestDatabase();
  hawk = await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent', trustProxy: 'true' }), pool: db.pool });
  kanohi = await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent', loginAttemptsPerMinute: 3 }), pool: db.pool });
  await hawk.listen({ host: '127.0.0.1', port: 0 });
  await kanohi.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await hawk.close();
  await kanohi.close();
  await db.drop();
});

/** Connects and resolves with the first status event, or rejects with the connection error. */
async function socketAnswer(app: ServiceApp, options: { token?: string; origin?: string }): Promise<string> {
  const socket = connect(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, {
    transports: ['websocket'],
    reconnection: false,
    ...(options.token ? { auth: { token: options.token } } : {}),
    ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
  });
  try {
    return await new Promise<string>((resolve) => {
      socket.once('service:status', () => resolve('connected'));
      socket.once('connect_error', (err) => resolve(`refused: ${err.message}`));
    });
  } finally {
    socket.close();
  }
}

describe('socket.io', () => {
  test('connections need a live session of a role that may read the service, from an allowed origin', async () => {
    const annotator = await signIn(db.pool, 'annotator');
    const viewer = await signIn(db.pool, 'viewer');
    assert.match(await socketAnswer(hawk, {}), /^refused: unauthorized/);
    assert.match(await socketAnswer(hawk, { token: 'not-a-session' }), /^refused: unauthorized/);
    assert.equal(await socketAnswer(hawk, { token: annotator.token }), 'connected');
    assert.match(await socketAnswer(hawk, { token: viewer.token }), /^refused: forbidden: viewer may not read hawk/);
    assert.equal(await socketAnswer(kanohi, { token: viewer.token }), 'connected');
    assert.match(await socketAnswer(kanohi, { token: annotator.token }), /^refused: forbidden/);
    assert.equal(await socketAnswer(kanohi, { token: viewer.token, origin: WEB }), 'connected');
    assert.match(await socketAnswer(kanohi, { token: viewer.token, origin: 'http://evil.example' }), /^refused/);
  });

  test('a logged-out session no longer connects', async () => {
    const annotator = await signIn(db.pool, 'annotator');
    assert.equal((await hawk.inject({ method: 'POST', url: '/auth/logout', headers: annotator.headers })).statusCode, 200);
    assert.match(await socketAnswer(hawk, { token: annotator.token }), /^refused: unauthorized/);
  });
});

describe('CORS and headers', () => {
  test('preflights are answered for the configured web origins only', async () => {
    const preflight = (origin: string) =>
      hawk.inject({ method: 'OPTIONS', url: '/projects', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const good = await preflight(WEB);
    assert.equal(good.headers['access-control-allow-origin'], WEB);
    assert.equal(good.headers['access-control-allow-credentials'], 'true');
    const evil = await preflight('http://evil.example');
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    const simple = await hawk.inject({ method: 'GET', url: '/healthz', headers: { origin: 'http://evil.example' } });
    assert.equal(simple.headers['access-control-allow-origin'], undefined, 'no reflected origin');
  });

  test('every answer, refusals included, carries the security headers', async () => {
    for (const url of ['/healthz', '/projects', '/no/such/route']) {
      const res = await kanohi.inject({ method: 'GET', url });
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/, url);
    }
  });

  test('the session cookie is HttpOnly, SameSite=Lax, and Secure when the browser came over TLS (trusted proxy)', async () => {
    const admin = await signIn(db.pool, 'admin');
    const login = (headers: Record<string, string>) =>
      hawk.inject({ method: 'POST', url: '/auth/login', headers, payload: { username: admin.username, password: `${admin.username}-secret` } });
    const plain = String((await login({})).headers['set-cookie']);
    assert.match(plain, /HttpOnly/);
    assert.match(plain, /SameSite=Lax/);
    assert.doesNotMatch(plain, /Secure/);
    assert.match(String((await login({ 'x-forwarded-proto': 'https' })).headers['set-cookie']), /; Secure/);
  });

  test('a cookie-authenticated write from a foreign origin is refused (CSRF); from the web app it passes', async () => {
    const admin = await signIn(db.pool, 'admin');
    const login = await kanohi.inject({ method: 'POST', url: '/auth/login', payload: { username: admin.username, password: `${admin.username}-secret` } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const post = (origin: string, name: string) => kanohi.inject({ method: 'POST', url: '/floors', headers: { cookie, origin }, payload: { name } });
    const evil = await post('http://evil.example', 'from evil');
    assert.equal(evil.statusCode, 403);
    assert.match(evil.json().message, /may not use the session cookie/);
    assert.equal((await post(WEB, 'from the web app')).statusCode, 201);
    const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM floors ORDER BY id');
    assert.deepEqual(rows.map((r) => r.name), ['from the web app']);
  });
});

test('login is rate-limited per client: wrong passwords get 401 until the limit, then 429', async () => {
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await kanohi.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.7', payload: { username: 'admin', password: `guess-${i}` } });
    codes.push(res.statusCode);
  }
  assert.deepEqual(codes, [401, 401, 401, 429, 429]);
  const other = await kanohi.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.8', payload: { username: 'admin', password: 'guess' } });
  assert.equal(other.statusCode, 401, 'another client is not held back');
});

test('first run on a fresh database: the system user does not block setup; the printed token works once', async () => {
  const fresh = await createTestDatabase();
  const app = await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent' }), pool: fresh.pool });
  try {
    await app.ready();
    const identity = new IdentityService(fresh.pool, { sessionHours: 1 });
    // The pre-labeling user exists before any person does.
    assert.notEqual(await identity.users.systemUser('model'), null);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/auth/first-run' })).json(), { setupNeeded: true });
    const first = await identity.prepareFirstRun('');
    assert.equal(first.state, 'setup');
    const setupToken = first.state === 'setup' ? first.setupToken : '';
    const wrong = await app.inject({ method: 'POST', url: '/auth/setup', payload: { username: 'root', password: 'long-enough', setupToken: 'guess' } });
    assert.equal(wrong.statusCode, 403);
    const ok = await app.inject({ method: 'POST', url: '/auth/setup', payload: { username: 'root', password: 'long-enough', setupToken } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().user.role, 'admin');
    const again = await app.inject({ method: 'POST', url: '/auth/setup', payload: { username: 'root2', password: 'long-enough', setupToken } });
    assert.equal(again.statusCode, 403);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/auth/first-run' })).json(), { setupNeeded: false });
    assert.equal((await identity.prepareFirstRun('')).state, 'ready');
    const model = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'model', password: 'system' } });
    assert.equal(model.statusCode, 401, 'nobody logs in as the system user');
  } finally {
    await app.close();
    await fresh.drop();
  }
});

test('SIGHTLINE_ADMIN_PASSWORD (or HAWK_ADMIN_PASSWORD) creates the admin at first start', async () => {
  const fresh = await createTestDatabase();
  const app = await buildHawk({ config: loadHawkConfig({ HAWK_ADMIN_PASSWORD: 'from-the-old-name' }, { logLevel: 'silent' }), pool: fresh.pool });
  try {
    await app.ready();
    const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: 'from-the-old-name' } });
    assert.equal(login.statusCode, 200, login.body);
    assert.equal(login.json().user.role, 'admin');
  } finally {
    await app.close();
    await fresh.drop();
  }
});

test("npm start's training token: read-only, Hawk only, owned by the first admin, one live per name", async () => {
  const fresh = await createTestDatabase();
  const app = await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent' }), pool: fresh.pool });
  try {
    await app.ready();
    const identity = new IdentityService(fresh.pool, { sessionHours: 1 });
    assert.equal(await identity.replaceSiteToken('Scouter training (npm start)', 'hawk'), undefined, 'no admin yet: no token');
    await identity.createUser({ username: 'owner', password: 'long-enough-secret', role: 'admin' });
    const first = (await identity.replaceSiteToken('Scouter training (npm start)', 'hawk'))!;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    assert.equal((await app.inject({ method: 'GET', url: '/projects', headers: bearer(first) })).statusCode, 200);
    const write = await app.inject({ method: 'POST', url: '/projects', headers: bearer(first), payload: { name: 'not allowed' } });
    assert.equal(write.statusCode, 403, 'read-only');
    const second = (await identity.replaceSiteToken('Scouter training (npm start)', 'hawk'))!;
    assert.equal((await app.inject({ method: 'GET', url: '/projects', headers: bearer(first) })).statusCode, 401, 'the previous start\'s token is revoked');
    assert.equal((await app.inject({ method: 'GET', url: '/projects', headers: bearer(second) })).statusCode, 200);
    const kanohiApp = await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent' }), pool: fresh.pool });
    try {
      assert.notEqual((await kanohiApp.inject({ method: 'GET', url: '/floors', headers: bearer(second) })).statusCode, 200, 'Hawk only');
    } finally {
      await kanohiApp.close();
    }
  } finally {
    await app.close();
    await fresh.drop();
  }
});
