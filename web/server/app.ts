import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { WebConfig } from '@sightline/contracts';
import { installErrorHandler } from '@sightline/server-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WebServerConfig } from './config.ts';

export const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * Serves the built React app with a fallback to index.html for client-side routes, and
 * `/config.json` telling the browser where each service listens.
 */
export interface WebServerOptions {
  readonly logger?: boolean;
  /** Ports the services listen on when no WEB_*_URL is set (then at http://localhost:<port>). */
  readonly servicePorts?: { readonly hawk: number; readonly scouter: number; readonly kanohi: number };
}

export async function buildWebServer(config: WebServerConfig, options: WebServerOptions = {}): Promise<FastifyInstance> {
  const ports = options.servicePorts ?? { hawk: 3001, scouter: 3002, kanohi: 3003 };
  if (!existsSync(distDir)) {
    throw new Error(`The web app is not built (${distDir} is missing). Run \`npm run build -w web\` first.`);
  }
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  installErrorHandler(app, { notFound: false });
  // From configuration only: a Host header chosen by whoever asks must not pick where the page
  // sends its logins and tokens.
  const services = {
    hawk: (config.hawkUrl ?? `http://localhost:${ports.hawk}`).replace(/\/+$/, ''),
    scouter: (config.scouterUrl ?? `http://localhost:${ports.scouter}`).replace(/\/+$/, ''),
    kanohi: (config.kanohiUrl ?? `http://localhost:${ports.kanohi}`).replace(/\/+$/, ''),
  };
  const origins = Object.values(services);
  const sockets = origins.map((u) => u.replace(/^http/, 'ws'));
  await app.register(helmet, {
    // The built app has no inline script; styles set by React and Leaflet need 'unsafe-inline'.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...origins],
        connectSrc: ["'self'", ...origins, ...sockets],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    xFrameOptions: { action: 'deny' },
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/config.json', { schema: { response: { 200: WebConfig } } }, async () => ({ services }));
  await app.register(fastifyStatic, { root: distDir, wildcard: false, maxAge: '1h', immutable: false });
  // Hashed assets are served by the static plugin; every other GET is a client-side route.
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/assets/')) return reply.type('text/html').sendFile('index.html', { maxAge: 0 });
    return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `No file ${request.url}` });
  });
  return app;
}
