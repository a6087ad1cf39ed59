// Hawk and a Scouter worker on one test database, as pre-labeling needs them: Hawk listens on a free
// port (Scouter reads the jobs' frames from its API there) and Scouter runs the jobs.
import type { AddressInfo } from 'node:net';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp as buildScouter } from '@sightline/scouter';
import { startHawk, type HawkFixture } from '../../services/hawk/src/testing/hawk-fixture.ts';
import { loadScouterConfig } from '../../services/scouter/src/config.ts';

export interface PrelabelServices {
  readonly hawk: HawkFixture;
  readonly scouter: ServiceApp;
  /** Hawk's base URL, e.g. http://127.0.0.1:41234. */
  readonly hawkUrl: string;
  close(): Promise<void>;
}

/** @example const { hawk, scouter, close } = await startPrelabelServices(); after(close); */
export async function startPrelabelServices(options: { webOrigins?: string } = {}): Promise<PrelabelServices> {
  const hawk = await startHawk(options);
  await hawk.app.listen({ host: '127.0.0.1', port: 0 });
  const hawkUrl = `http://127.0.0.1:${(hawk.app.server.address() as AddressInfo).port}`;
  const scouter = await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', worker: true, inferenceThreads: 2, hawkUrl }), pool: hawk.db.pool });
  await scouter.ready();
  return {
    hawk,
    scouter,
    hawkUrl,
    async close() {
      await scouter.close();
      await hawk.close();
    },
  };
}
