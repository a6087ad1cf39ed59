// Camera add/remove churn on loopback: 20 concurrent operators each add a camera and remove it
// again, in a closed loop for LOAD_SECONDS (default 15), while 50 socket.io clients receive the
// `scouter:cameras-changed` events. Printed: held throughput, p50/p95/p99, error rate, events seen.
import type { AddressInfo } from 'node:net';
import { signIn } from '@sightline/auth/testing';
import { createTestDatabase } from '@sightline/db';
import { buildApp } from '@sightline/scouter';
import { io as connect, type Socket } from 'socket.io-client';
import { closedLoop, printLoad } from '../../../test/support/load.ts';
import { loadScouterConfig } from '../src/config.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 15);
const db = await createTestDatabase();
// The operators' made-up camera hosts are allowed explicitly, as a site lists its camera network.
const app = await buildApp({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, allowNetworks: '*' }), pool: db.pool });
const operator = await signIn(db.pool, 'operator');
const viewer = await signIn(db.pool, 'viewer');
try {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const clients: Socket[] = await Promise.all(
    Array.from({ length: 50 }, () => new Promise<Socket>((resolve, reject) => {
      const s = connect(base, { transports: ['websocket'], reconnection: false, auth: { token: viewer.token } });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    })),
  );
  let events = 0;
  for (const c of clients) c.on('scouter:cameras-changed', () => events++);
  let serial = 0;
  const churn = async (): Promise<boolean | string> => {
    const name = `churn ${serial++}`;
    const added = await fetch(`${base}/cameras`, { method: 'POST', headers: { ...operator.headers, 'content-type': 'application/json' }, body: JSON.stringify({ name, uri: `rtsp://cam-${serial}.local/stream`, fps: 5 }) });
    const body = await added.text();
    if (added.status !== 201) return `add ${added.status} ${body.slice(0, 120)}`;
    const removed = await fetch(`${base}/cameras/${JSON.parse(body).id}`, { method: 'DELETE', headers: operator.headers });
    await removed.arrayBuffer();
    return removed.status === 204 ? true : `remove ${removed.status}`;
  };
  const result = await closedLoop('camera add + remove, 20 concurrent operators', 20, seconds, churn);
  printLoad(result, 'add+remove pairs');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const expected = 2 * (result.latenciesMs.length - result.errors) * clients.length;
  console.log(`scouter:cameras-changed to ${clients.length} clients: ${events} of at least ${expected} events seen; cameras left: ${(await db.pool.query('SELECT count(*)::int AS n FROM cameras')).rows[0].n}`);
  for (const c of clients) c.close();
} finally {
  await app.close();
  await db.drop();
}
