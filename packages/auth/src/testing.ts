// For tests and benchmarks: real users with real sessions on the real database, no shortcuts
// through the access checks.
import type { Role } from '@sightline/contracts';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type pg from 'pg';
import { IdentityService } from './identity.service.ts';

export interface SignedIn {
  readonly id: number;
  readonly username: string;
  readonly token: string;
  readonly headers: { authorization: string };
}

/**
 * Creates a user with `role` (password `<username>-secret`) and logs it in.
 * @example const admin = await signIn(db.pool, 'admin'); await app.inject({ url: '/cameras', headers: admin.headers });
 */
export async function signIn(pool: pg.Pool, role: Role, username = `${role}-${Math.random().toString(36).slice(2, 8)}`): Promise<SignedIn> {
  const identity = new IdentityService(pool, { sessionHours: 1 });
  const user = await identity.createUser({ username, password: `${username}-secret`, role });
  const session = await identity.login(username, `${username}-secret`);
  return { id: user.id, username, token: session.token, headers: { authorization: `Bearer ${session.token}` } };
}

/**
 * Makes `app.inject` send this user's bearer token unless a call sets its own Authorization: the
 * requests still go through the access checks, as a logged-in client's would.
 * @example injectAs(app, await signIn(db.pool, 'operator'));
 */
export function injectAs(app: FastifyInstance, user: SignedIn): void {
  const inject = app.inject.bind(app) as (options: InjectOptions) => ReturnType<FastifyInstance['inject']>;
  (app as { inject: unknown }).inject = (options: InjectOptions | string) => {
    const opts = typeof options === 'string' ? { url: options } : options;
    return inject({ ...opts, headers: { ...user.headers, ...(opts.headers ?? {}) } });
  };
}
