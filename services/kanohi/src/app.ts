import type { KanohiServerEvents } from '@sightline/contracts';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import type { KanohiConfig } from './config.ts';
import { version } from './version.ts';

export interface BuildKanohiOptions {
  readonly config: KanohiConfig;
  readonly pool: pg.Pool;
}

/** Floor-map dashboard: calibration, live tracks, heatmaps, statistics. Builds the app without listening. */
export async function buildApp({ config, pool }: BuildKanohiOptions): Promise<ServiceApp> {
  const { app } = createService<KanohiServerEvents>({ service: 'kanohi', version, pool, logLevel: config.logLevel === 'silent' ? false : config.logLevel });
  return app;
}
