import type { Role, TokenService } from '@sightline/contracts';
import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import type { Principal } from './access.ts';
import type { IdentityService } from './identity.service.ts';
import { tokenFrom } from './request-token.ts';

/**
 * socket.io's side of the identity: browsers must come from a configured web origin, and every
 * connection must carry a live session or token (`io(url, { auth: { token } })` or the session
 * cookie) of a role that may read this service's events; `socket.data.principal` holds who it is.
 * @example secureSockets(io, { identity, service: 'scouter', readers: DASHBOARD, origins });
 */
export function secureSockets(io: Server, options: { identity: IdentityService; service: TokenService; readers: readonly Role[]; origins: readonly string[] }): void {
  const origins = new Set(options.origins);
  // Scripts send no Origin; they still need a token below. A browser always sends one.
  io.engine.opts.allowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    callback(origin === undefined || origins.has(origin) ? null : 'origin not allowed', origin === undefined || origins.has(origin));
  };
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    const credentials = typeof auth.token === 'string' && auth.token ? { token: auth.token } : tokenFrom({ cookie: socket.handshake.headers.cookie });
    if (!credentials) return next(new Error('unauthorized: log in and connect with auth: { token }'));
    options.identity.principalFor(credentials.token).then(
      (principal: Principal | undefined) => {
        if (!principal) return next(new Error('unauthorized: the session or token is not valid'));
        if (principal.token && !principal.token.services.includes(options.service)) return next(new Error(`forbidden: this token is not valid for ${options.service}`));
        if (!options.readers.includes(principal.user.role)) return next(new Error(`forbidden: ${principal.user.role} may not read ${options.service} events`));
        socket.data.principal = principal;
        next();
      },
      () => next(new Error('unauthorized: could not check the session')),
    );
  });
}
