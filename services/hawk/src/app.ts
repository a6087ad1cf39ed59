import type { HawkServerEvents } from '@sightline/contracts';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import type { HawkConfig } from './config.ts';
import { version } from './version.ts';

export interface BuildHawkOptions {
  readonly config: HawkConfig;
  readonly pool: pg.Pool;
}

/** Annotation service: videos, frames, boxes, consensus, review, export. Builds the app without listening. */
export async function buildApp({ config, pool }: BuildHawkOptions): Promise<ServiceApp> {
  const { app } = createService<HawkServerEvents>({ service: 'hawk', version, pool, logLevel: config.logLevel === 'silent' ? false : config.logLevel });
  return app;
}
