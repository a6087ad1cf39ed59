import type { ScouterServerEvents } from '@sightline/contracts';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import type { ScouterConfig } from './config.ts';
import { version } from './version.ts';

export interface BuildScouterOptions {
  readonly config: ScouterConfig;
  readonly pool: pg.Pool;
}

/** Streaming inference engine: cameras, detection, tracking, attributes. Builds the app without listening. */
export async function buildApp({ config, pool }: BuildScouterOptions): Promise<ServiceApp> {
  const { app } = createService<ScouterServerEvents>({ service: 'scouter', version, pool, logLevel: config.logLevel === 'silent' ? false : config.logLevel });
  return app;
}
