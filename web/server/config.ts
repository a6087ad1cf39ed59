import { Type, type Static } from '@sinclair/typebox';
import { loadConfig } from '@sightline/server-kit';

const serviceUrl = (name: string, port: number) =>
  Type.Optional(Type.String({ env: `WEB_${name}_URL`, pattern: '^https?://', description: `URL the browser uses for ${name.toLowerCase()} (default: http://localhost:${port})` }));

/** Settings of the static web server (WEB_*). */
export const WebServerConfig = Type.Object(
  {
    host: Type.String({ env: 'WEB_HOST', default: '127.0.0.1', minLength: 1, description: 'Interface to listen on (0.0.0.0 in containers)' }),
    port: Type.Integer({ env: 'WEB_PORT', default: 3000, minimum: 0, maximum: 65535, description: 'Port of the web app' }),
    hawkUrl: serviceUrl('HAWK', 3001),
    scouterUrl: serviceUrl('SCOUTER', 3002),
    kanohiUrl: serviceUrl('KANOHI', 3003),
  },
  { additionalProperties: false },
);
export type WebServerConfig = Static<typeof WebServerConfig>;

export function loadWebServerConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WebServerConfig> = {}): WebServerConfig {
  return loadConfig(WebServerConfig, { prefixes: ['WEB_'], env, overrides });
}
