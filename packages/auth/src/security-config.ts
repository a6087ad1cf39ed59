import { Type, type Static } from '@sinclair/typebox';

/**
 * The security settings every service shares (SIGHTLINE_*): spread into a service's config schema.
 * @example const HawkConfig = Type.Object({ ...serviceBasics('HAWK', 3001), ...securityBasics() });
 */
export function securityBasics() {
  return {
    webOrigins: Type.String({
      env: 'SIGHTLINE_WEB_ORIGINS',
      default: 'http://localhost:3000,http://127.0.0.1:3000',
      minLength: 1,
      description: 'Comma-separated origins of the web app that browsers may call the services from (CORS, socket.io)',
    }),
    trustProxy: Type.String({
      env: 'SIGHTLINE_TRUST_PROXY',
      default: '',
      description: 'Behind a TLS proxy: "true", or the proxy addresses/CIDRs, so X-Forwarded-Proto/-For are believed (Secure cookies, client IPs); empty = no proxy',
    }),
    sessionHours: Type.Number({ env: 'SIGHTLINE_SESSION_HOURS', default: 12, minimum: 0.01, maximum: 24 * 90, description: 'Lifetime of a login session' }),
    loginAttemptsPerMinute: Type.Integer({ env: 'SIGHTLINE_LOGIN_ATTEMPTS_PER_MINUTE', default: 10, minimum: 1, maximum: 10_000, description: 'Login and setup attempts per client address per minute, then 429' }),
  };
}
const SecuritySettings = Type.Object(securityBasics());
export type SecuritySettings = Static<typeof SecuritySettings>;

/** The origins in SIGHTLINE_WEB_ORIGINS, normalised (no trailing slash). */
export function webOriginList(settings: Pick<SecuritySettings, 'webOrigins'>): string[] {
  return settings.webOrigins
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o.length > 0);
}

/** Fastify's trustProxy option from SIGHTLINE_TRUST_PROXY. */
export function trustProxyOption(settings: Pick<SecuritySettings, 'trustProxy'>): boolean | string {
  const value = settings.trustProxy.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value;
}
