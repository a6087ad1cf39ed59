import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CommonServerEvents, ServiceName } from '@sightline/contracts';
import { isDatabaseReachable } from '@sightline/db';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { Server as SocketServer } from 'socket.io';
import { installErrorHandler } from './error-handler.ts';
import { registerHealthRoutes } from './health.routes.ts';

export type ServiceApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServiceOptions {
  readonly service: ServiceName;
  readonly version: string;
  readonly pool: pg.Pool;
  /** Pino log level, or false for silence (tests). */
  readonly logLevel?: string | false;
  /** Largest accepted request body in bytes (JSON); upload routes set their own limit. */
  readonly bodyLimitBytes?: number;
}

// Client events default to none; a service that listens to browsers names its map (Scouter's scouter:watch).
export interface ServiceHandle<Events extends CommonServerEvents, ClientEvents extends object = Record<string, never>> {
  readonly app: ServiceApp;
  readonly io: SocketServer<ClientEvents, Events>;
}

/**
 * The common frame of a Sightline service: fastify with TypeBox, CORS for the web app, the central
 * error handler, `/healthz` + `/readyz`, and a socket.io server that closes with the app.
 * @example const { app, io } = createService<HawkServerEvents>({ service: 'hawk', version, pool });
 */
export function createService<Events extends CommonServerEvents, ClientEvents extends object = Record<string, never>>(options: ServiceOptions): ServiceHandle<Events, ClientEvents> {
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel ?? 'info' },
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    forceCloseConnections: true,
    // Fastify strips unknown properties by default; a misspelt field silently ignored loses the
    // user's intent, so schemas with additionalProperties: false reject it instead, naming it.
    // allErrors reports every problem of a body at once.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, allowUnionTypes: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  // The web app is served from another port, so every call is cross-origin: allow every verb the
  // APIs use, and credentials for cookie sessions.
  void app.register(cors, { origin: true, credentials: true, methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] });
  registerHealthRoutes(app, options);

  const io = new SocketServer<ClientEvents, Events>(app.server, { cors: { origin: true }, serveClient: false });
  io.on('connection', (socket) => {
    void isDatabaseReachable(options.pool).then((database) => {
      // The typed map guarantees every service's event map carries `service:status`.
      (socket as unknown as { emit(e: 'service:status', p: Parameters<CommonServerEvents['service:status']>[0]): void }).emit(
        'service:status',
        { service: options.service, version: options.version, database },
      );
    });
  });
  app.addHook('preClose', async () => {
    io.disconnectSockets(true);
  });
  app.addHook('onClose', async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });
  return { app, io };
}
