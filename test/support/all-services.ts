// The three services built on one test database, not listening (app.inject), as the tests that look
// at every service's routes need them: no camera worker, no media roots, generous login limits.
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp as buildHawk } from '@sightline/hawk';
import { buildApp as buildKanohi } from '@sightline/kanohi';
import { buildApp as buildScouter } from '@sightline/scouter';
import { loadHawkConfig } from '../../services/hawk/src/config.ts';
import { loadKanohiConfig } from '../../services/kanohi/src/config.ts';
import { loadScouterConfig } from '../../services/scouter/src/config.ts';

export type ServiceName = 'hawk' | 'scouter' | 'kanohi';

export interface AllServices {
  readonly db: TestDatabase;
  readonly apps: Record<ServiceName, ServiceApp>;
  close(): Promise<void>;
}

/** @example const services = await startAllServices(); after(() => services.close()); */
export async function startAllServices(): Promise<AllServices> {
  const db = await createTestDatabase();
  const apps = {
    hawk: await buildHawk({ config: loadHawkConfig({}, { logLevel: 'silent' }), pool: db.pool }),
    scouter: await buildScouter({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, mediaRoots: '/nonexistent-media-root' }), pool: db.pool }),
    kanohi: await buildKanohi({ config: loadKanohiConfig({}, { logLevel: 'silent', loginAttemptsPerMinute: 1000 }), pool: db.pool }),
  };
  for (const app of Object.values(apps)) await app.ready();
  return {
    db,
    apps,
    async close() {
      for (const app of Object.values(apps)) await app.close();
      await db.drop();
    },
  };
}
