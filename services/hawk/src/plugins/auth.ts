import { principalOf } from '@sightline/auth';
import type { HawkRole, HawkUser } from '@sightline/contracts';
import type { FastifyRequest } from 'fastify';
import { forbidden } from '@sightline/server-kit';

const rank: Partial<Record<HawkRole, number>> = { annotator: 0, reviewer: 1, admin: 2 };

/**
 * The request's user, who must hold at least `role` in Hawk (admin > reviewer > annotator). The
 * route's declared access (packages/auth) has already refused other roles before validation; this
 * is the second lock for code paths that act on the user's behalf.
 */
export function userWith(request: FastifyRequest, role: HawkRole = 'annotator'): HawkUser {
  const { user } = principalOf(request);
  if ((rank[user.role] ?? -1) < (rank[role] ?? 0)) throw forbidden(`This needs the ${role} role; you are ${user.username} (${user.role}).`);
  return user;
}
