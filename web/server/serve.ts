import { ConfigError } from '@sightline/server-kit';
import { buildWebServer } from './app.ts';
import { loadWebServerConfig } from './config.ts';

try {
  const config = loadWebServerConfig();
  const app = await buildWebServer(config);
  await app.listen({ host: config.host, port: config.port });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(`web: ${(err as Error).message}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
