import type { Role, TokenService } from '@sightline/contracts';

/**
 * What a route declares in its options (`config: { access }`): `'public'` (health, login, setup),
 * `'signed-in'` (any user: their own session and tokens), or the roles allowed. A route that
 * declares nothing is refused to everyone, so a forgotten declaration fails closed.
 * @example app.get('/cameras', { config: { access: OPERATE_READ } }, handler)
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

/** Who is behind a request: a user by session, or a user through an API token with its limits. */
export interface Principal {
  readonly user: { readonly id: number; readonly username: string; readonly role: Role };
  /** Set for API tokens: the services it may call and whether it may only read. */
  readonly token?: { readonly id: number; readonly services: readonly TokenService[]; readonly readOnly: boolean };
}

// Role groups used across the services, so one table in README and the matrix test says who does what.
/** Hawk: labelling. */
export const ANNOTATE: readonly Role[] = ['admin', 'reviewer', 'annotator'];
/** Hawk: approve, reject, assign, merge. */
export const REVIEW: readonly Role[] = ['admin', 'reviewer'];
/** Administration: users, projects, uploads. */
export const ADMIN: readonly Role[] = ['admin'];
/** Scouter and Kanohi dashboards: read. */
export const DASHBOARD: readonly Role[] = ['admin', 'operator', 'viewer'];
/** Scouter and Kanohi: change cameras, flows, floors, zones, calibrations. */
export const OPERATE: readonly Role[] = ['admin', 'operator'];

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Whether `principal` may call a route with that access, method and service. Pure, so the matrix
 * test and the hook agree by construction.
 * @example decide(['admin'], undefined, 'GET', 'hawk') // { ok: false, status: 401, ... }
 */
export function decide(access: Access | undefined, principal: Principal | undefined, method: string, service: TokenService | 'web'): Verdict {
  if (access === 'public') return { ok: true };
  if (!principal) return { ok: false, status: 401, message: 'Log in first: POST /auth/login, then send the session cookie or "Authorization: Bearer <token>".' };
  if (access === undefined) return { ok: false, status: 403, message: 'This route declares no access rule, so it is closed to everyone.' };
  const { user, token } = principal;
  if (token) {
    if (service !== 'web' && !token.services.includes(service)) return { ok: false, status: 403, message: `This API token is not valid for ${service}.` };
    if (token.readOnly && !READ_METHODS.has(method)) return { ok: false, status: 403, message: 'This API token is read-only.' };
  }
  if (access === 'signed-in' || access.includes(user.role)) return { ok: true };
  return { ok: false, status: 403, message: `This needs the role ${access.join(' or ')}; you are ${user.username} (${user.role}).` };
}
