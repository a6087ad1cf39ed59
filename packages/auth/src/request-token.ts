import fastifyCookie from '@fastify/cookie';

/** The session cookie every service reads; cookies are per host, not per port, so one login serves all three. */
export const SESSION_COOKIE = 'sightline_session';

/** The token of a request: `Authorization: Bearer <token>` first, else the session cookie. */
export function tokenFrom(headers: { authorization?: string | undefined; cookie?: string | undefined }): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const header = headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    return token ? { token, via: 'bearer' } : undefined;
  }
  // @fastify/cookie's parser (the one the services' requests use); sockets pass their handshake's header.
  const token = headers.cookie ? fastifyCookie.parse(headers.cookie)[SESSION_COOKIE] : undefined;
  return token ? { token, via: 'cookie' } : undefined;
}
