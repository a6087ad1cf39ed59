import { join } from 'node:path';
import { embeddedUrl, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';
import { dataDir } from './paths.ts';
import { createPool, isDatabaseReachable } from './pool.ts';

/** Default port of the embedded server: uncommon, so it rarely meets a system PostgreSQL. */
export const DEFAULT_EMBEDDED_PORT = 54329;

export interface DatabaseHandle {
  readonly url: string;
  /** The embedded server when one was started; undefined with DATABASE_URL. */
  readonly embedded: EmbeddedServer | undefined;
}

/**
 * `DATABASE_URL` when set, otherwise the embedded server with its cluster in `<data dir>/postgres`.
 * @example const { url, embedded } = await openDatabase(); ...; await embedded?.stop();
 */
export async function openDatabase(env: NodeJS.ProcessEnv = process.env, notice?: (message: string) => void): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: undefined };
  const port = env.SIGHTLINE_DB_PORT ? Number(env.SIGHTLINE_DB_PORT) : DEFAULT_EMBEDDED_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`SIGHTLINE_DB_PORT must be a TCP port (1-65535), got "${env.SIGHTLINE_DB_PORT}"`);
  }
  const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir(env), 'postgres'), port, notice: notice ?? ((message) => console.error(`database: ${message}`)) });
  return { url: embedded.url, embedded };
}

/**
 * A database that already answers, without starting one: DATABASE_URL when set, else the embedded
 * server when it runs (e.g. under `npm start`); undefined when neither answers within `timeoutMs`.
 * For commands that only read when they can, such as `sightline flow check`.
 * @example const url = await reachableDatabase(); if (url) { const pool = createPool(url); ... }
 */
export async function reachableDatabase(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1500): Promise<string | undefined> {
  const port = env.SIGHTLINE_DB_PORT ? Number(env.SIGHTLINE_DB_PORT) : DEFAULT_EMBEDDED_PORT;
  const url = env.DATABASE_URL ?? (Number.isInteger(port) && port >= 1 && port <= 65535 ? embeddedUrl(port, 'sightline') : undefined);
  if (!url) return undefined;
  const pool = createPool(url, { log: () => undefined, max: 1 });
  try {
    return (await isDatabaseReachable(pool, timeoutMs)) ? url : undefined;
  } finally {
    await pool.end().catch(() => undefined);
  }
}
