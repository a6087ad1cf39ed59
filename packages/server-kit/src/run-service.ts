import type { ServiceName } from '@sightline/contracts';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ServiceApp } from './create-service.ts';
import { ServiceInstanceRepository } from './repositories/service-instance.repository.ts';

const HEARTBEAT_MS = 10_000;
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Listens, registers the instance with a heartbeat, and on SIGINT/SIGTERM closes the app (sockets,
 * then HTTP), removes the registration and ends the pool before exiting. `onShutdown` runs last.
 */
export async function runService(options: {
  app: ServiceApp;
  pool: pg.Pool;
  service: ServiceName;
  host: string;
  port: number;
  onShutdown?: () => Promise<void>;
  /** A SIGINT/SIGTERM that arrived while the process was still booting: stop at once. */
  signalDuringBoot?: NodeJS.Signals;
}): Promise<void> {
  const { app, pool, service } = options;
  const instances = new ServiceInstanceRepository(pool);
  const instanceId = randomUUID();
  let heartbeat: NodeJS.Timeout | undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal} received: shutting down ${service}`);
    const force = setTimeout(() => {
      app.log.error(`${service} did not stop within ${SHUTDOWN_GRACE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    clearInterval(heartbeat);
    await app.close();
    await instances.remove(instanceId).catch(() => undefined);
    // Connections first, then the server they talk to (an embedded one stops in onShutdown).
    await pool.end();
    await options.onShutdown?.();
    process.exit(0);
  };
  // Handlers go in before listening: a signal that lands while the port opens must still stop cleanly.
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  if (options.signalDuringBoot) return stop(options.signalDuringBoot);

  const address = await app.listen({ host: options.host, port: options.port });
  if (stopping) return;
  const beat = () => instances.upsert(instanceId, service, address).catch((err: Error) => app.log.warn(`heartbeat failed: ${err.message}`));
  await beat();
  heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();
}
