import { ConfigError } from '@sightline/server-kit';
import { buildWebServer } from './app.ts';
import { loadWebServerConfig } from './config.ts';

try {
  const config = loadWebServerConfig();
  // Started beside the services (npm start), the page follows their ports when .env moves them.
  const port = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const app = await buildWebServer(config, { servicePorts: { hawk: port('HAWK_PORT', 3001), scouter: port('SCOUTER_PORT', 3002), kanohi: port('KANOHI_PORT', 3003) } });
  await app.listen({ host: config.host, port: config.port });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(`web: ${(err as Error).message}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
