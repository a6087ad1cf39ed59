import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { IdentityService, installIdentity, secureSockets, securityBasics, trustProxyOption, webOriginList, type SecuritySettings } from '@sightline/auth';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CommonServerEvents, Role, ServiceName } from '@sightline/contracts';
import { isDatabaseReachable } from '@sightline/db';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { Server as SocketServer } from 'socket.io';
import { installErrorHandler } from './error-handler.ts';
import { healthRoutes } from './health.routes.ts';
import { registerOpenApi } from './openapi.ts';

export type ServiceApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServiceOptions {
  readonly service: ServiceName;
  readonly version: string;
  readonly pool: pg.Pool;
  /** Pino log level, or false for silence (tests). */
  readonly logLevel?: string | false;
  /** Largest accepted request body in bytes (JSON); upload routes set their own limit. */
  readonly bodyLimitBytes?: number;
  /** The shared SIGHTLINE_* security settings (web origins, proxy, sessions); defaults when left out. */
  readonly security?: SecuritySettings;
  /** Roles whose sockets may connect and receive this service's events. */
  readonly socketReaders: readonly Role[];
}

const defaultSecurity = (): SecuritySettings => Value.Default(Type.Object(securityBasics()), {}) as SecuritySettings;

// Client events default to none; a service that listens to browsers names its map (Scouter's scouter:watch).
export interface ServiceHandle<Events extends CommonServerEvents, ClientEvents extends object = Record<string, never>> {
  readonly app: ServiceApp;
  readonly io: SocketServer<ClientEvents, Events>;
  readonly identity: IdentityService;
}

/**
 * The common frame of a Sightline service: fastify with TypeBox, the system's identity (every route
 * declares its access, see packages/auth), security headers, CORS for the configured web origins,
 * the central error handler, `/healthz` + `/readyz`, the OpenAPI description (`/openapi.json`,
 * `/docs`), and an authenticated socket.io server that
 * closes with the app.
 * @example const { app, io } = createService<HawkServerEvents>({ service: 'hawk', version, pool, socketReaders: ANNOTATE });
 */
export function createService<Events extends CommonServerEvents, ClientEvents extends object = Record<string, never>>(options: ServiceOptions): ServiceHandle<Events, ClientEvents> {
  const security = options.security ?? defaultSecurity();
  const origins = webOriginList(security);
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel ?? 'info' },
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    forceCloseConnections: true,
    trustProxy: trustProxyOption(security),
    // Fastify strips unknown properties by default; a misspelt field silently ignored loses the
    // user's intent, so schemas with additionalProperties: false reject it instead, naming it.
    // allErrors reports every problem of a body at once.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, allowUnionTypes: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  // First, so that its onRoute hook sees every route registered after it.
  registerOpenApi(app, { service: options.service, version: options.version });
  // JSON APIs: no framing, no sniffing, no referrer. Resource policy cross-origin: the web app (another
  // port; Chromium blocks 'same-site' between ports of an IP address) shows images the services
  // serve; other sites gain nothing, as the SameSite=Lax cookie is not sent on their requests.
  void app.register(helmet, { xFrameOptions: { action: 'deny' }, crossOriginResourcePolicy: { policy: 'cross-origin' }, contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  // The web app is served from another port, so every call is cross-origin: only the configured web
  // origins, with every verb the APIs use and credentials for the session cookie.
  void app.register(cors, { origin: origins, credentials: true, methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] });
  const identity = new IdentityService(options.pool, { sessionHours: security.sessionHours });
  installIdentity(app, { identity, service: options.service, settings: security });
  // Only what the routes read: fastify takes register options such as logLevel for itself.
  void app.register(healthRoutes, { service: options.service, version: options.version, pool: options.pool });

  const io = new SocketServer<ClientEvents, Events>(app.server, { cors: { origin: origins, credentials: true }, serveClient: false });
  secureSockets(io as unknown as SocketServer, { identity, service: options.service, readers: options.socketReaders, origins });
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
  return { app, io, identity };
}
