// Scouter as its end-to-end tests start it: a real Scouter on a fresh test database, optionally
// signed in for every inject and listening; a viewer's socket.io connection to it; and a webhook
// receiver that keeps what Scouter posts.
import { injectAs, signIn } from '@sightline/auth/testing';
import type { Role, ScouterClientEvents, ScouterEvent, ScouterServerEvents } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { buildScouter, type ScouterApp } from '../../services/scouter/src/app.ts';
import { loadScouterConfig, type ScouterConfig } from '../../services/scouter/src/config.ts';

export interface ScouterFixture {
  readonly db: TestDatabase;
  readonly scouter: ScouterApp;
  /** Base URL when started with `listen`, else undefined. */
  readonly url: string | undefined;
  close(): Promise<void>;
}

/**
 * @example const { db, scouter, close } = await startScouter({ worker: false }, { injectAs: 'operator' }); after(close);
 */
export async function startScouter(overrides: Partial<ScouterConfig>, options: { injectAs?: Role; listen?: boolean } = {}): Promise<ScouterFixture> {
  const db = await createTestDatabase();
  const scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', ...overrides }), pool: db.pool });
  if (options.injectAs) injectAs(scouter.app, await signIn(db.pool, options.injectAs));
  let url: string | undefined;
  if (options.listen) {
    await scouter.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(scouter.app.server.address() as AddressInfo).port}`;
  }
  return {
    db,
    scouter,
    url,
    async close() {
      await scouter.app.close();
      await db.drop();
    },
  };
}

/** A viewer's socket.io connection to Scouter at `url`, connected. */
export async function viewerSocket(fixture: ScouterFixture): Promise<Socket<ScouterServerEvents, ScouterClientEvents>> {
  if (!fixture.url) throw new Error('start Scouter with { listen: true } to connect to it');
  const socket: Socket<ScouterServerEvents, ScouterClientEvents> = connect(fixture.url, { auth: { token: (await signIn(fixture.db.pool, 'viewer')).token }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
  return socket;
}

export interface WebhookReceiver {
  /** Where Scouter posts, e.g. http://127.0.0.1:41234/hook. */
  readonly url: string;
  /** Every event posted so far, in order. */
  readonly received: { type: string; event: ScouterEvent }[];
  close(): Promise<void>;
}

/** An HTTP receiver for Scouter's webhooks, answering each post with `answer` (default 204, no body). */
export async function startWebhookReceiver(answer: { status: number; body?: string } = { status: 204 }): Promise<WebhookReceiver> {
  const received: { type: string; event: ScouterEvent }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      if (answer.body === undefined) res.writeHead(answer.status).end();
      else res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
