import type { AddressInfo } from 'node:net';
import { ensureWebBuilt } from '../../scripts/lib/web-build.ts';
import { buildWebServer } from '../../web/server/app.ts';
import type { WebServerConfig } from '../../web/server/config.ts';

/**
 * Builds the web app if stale and serves it on a free loopback port, pointing the browser at the
 * given service URLs (on `listenPort` when given: see reserveWebOrigin). Returns the page's base URL
 * and a close function.
 * @example const web = await startWebServer({ hawkUrl: 'http://127.0.0.1:4567' });
 */
export async function startWebServer(urls: Pick<WebServerConfig, 'hawkUrl' | 'scouterUrl' | 'kanohiUrl'>, listenPort = 0): Promise<{ url: string; close(): Promise<void> }> {
  await ensureWebBuilt(() => undefined);
  const app = await buildWebServer({ host: '127.0.0.1', port: 0, ...urls });
  await app.listen({ host: '127.0.0.1', port: listenPort });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
