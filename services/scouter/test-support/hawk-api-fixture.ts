// A real Hawk listening on a free port over a test database, for training tests: Scouter reads the
// approved labels and the frames through Hawk's API with a read-only API token, as it does live.
import type { AddressInfo } from 'node:net';
import { IdentityService } from '@sightline/auth';
import type { ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import { buildApp } from '../../hawk/src/app.ts';
import { loadHawkConfig } from '../../hawk/src/config.ts';

export interface HawkApiFixture {
  readonly app: ServiceApp;
  /** Hawk's base URL (SCOUTER_HAWK_URL). */
  readonly url: string;
  /** A read-only Hawk API token of an admin (SCOUTER_HAWK_TOKEN). */
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Hawk on `pool`, its frames under `mediaDir/videos/<id>/frames/`.
 * @example const hawk = await startHawkApi(db.pool, join(dir, 'hawk')); loadScouterConfig({}, { hawkUrl: hawk.url, hawkToken: hawk.token });
 */
export async function startHawkApi(pool: pg.Pool, mediaDir: string): Promise<HawkApiFixture> {
  const app = await buildApp({ config: loadHawkConfig({}, { logLevel: 'silent', mediaDir }), pool });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const identity = new IdentityService(pool, { sessionHours: 1 });
  const owner = await identity.createUser({ username: `trainer-${Math.random().toString(36).slice(2, 8)}`, password: 'trainer-secret-password', role: 'admin' });
  const { token } = await identity.createApiToken(owner, { name: 'training', services: ['hawk'], readOnly: true });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, token, close: () => app.close() };
}
