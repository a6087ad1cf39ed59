import type { WebConfig } from '@sightline/contracts';

let cached: Promise<WebConfig> | undefined;

/** Where the services are, as the web server tells it (`/config.json`). */
export function loadWebConfig(): Promise<WebConfig> {
  cached ??= fetch('/config.json').then(async (res) => {
    if (!res.ok) throw new Error(`/config.json answered ${res.status}`);
    return (await res.json()) as WebConfig;
  });
  return cached;
}
