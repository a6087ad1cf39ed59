import type { ServiceName } from '@sightline/contracts';
import { createPool, migrateUp, openDatabase, type DatabaseHandle } from '@sightline/db';
import type pg from 'pg';
import { ConfigError } from './config.ts';
import type { ServiceApp } from './create-service.ts';
import { runService } from './run-service.ts';

/**
 * What every `server.ts` does: read config (exit 2 naming the bad key), open the database (embedded
 * unless DATABASE_URL is set), migrate, build the app and run it until SIGINT/SIGTERM.
 */
export async function bootService<Config extends { host: string; port: number; dbPoolSize?: number; dbStatementTimeoutMs?: number }>(options: {
  service: ServiceName;
  loadConfig: () => Config;
  buildApp: (deps: { config: Config; pool: pg.Pool }) => Promise<ServiceApp>;
}): Promise<void> {
  let config: Config;
  try {
    config = options.loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${options.service}: ${err.message}\nSee .env.example for every setting.`);
      process.exit(2);
    }
    throw err;
  }
  // Until runService takes over, a SIGINT/SIGTERM is remembered rather than left to the default
  // (dying with an embedded server half started).
  let signalDuringBoot: NodeJS.Signals | undefined;
  const remember = (signal: NodeJS.Signals) => {
    signalDuringBoot ??= signal;
  };
  process.on('SIGINT', remember);
  process.on('SIGTERM', remember);
  let database: DatabaseHandle | undefined;
  try {
    database = await openDatabase();
    // Migrations run on their own connection without the statement timeout: they may rewrite big tables.
    const migrationPool = createPool(database.url, { max: 1 });
    try {
      await migrateUp(migrationPool);
    } finally {
      await migrationPool.end();
    }
    const pool = createPool(database.url, { max: config.dbPoolSize, statementTimeoutMs: config.dbStatementTimeoutMs });
    const app = await options.buildApp({ config, pool });
    process.removeListener('SIGINT', remember);
    process.removeListener('SIGTERM', remember);
    await runService({
      ...(signalDuringBoot ? { signalDuringBoot } : {}),
      app,
      pool,
      service: options.service,
      host: config.host,
      port: config.port,
      onShutdown: async () => {
        await database?.embedded?.stop();
      },
    });
  } catch (err) {
    console.error(`${options.service} could not start: ${(err as Error).message}`);
    await database?.embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}
