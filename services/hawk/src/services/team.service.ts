import type { HawkMyAssignment, HawkUser } from '@sightline/contracts';
import { badRequest } from '@sightline/server-kit';
import type { MemberRepository } from '../repositories/member.repository.ts';
import type { UserRepository } from '@sightline/auth';

/** Project membership and each person's assignments. */
export class TeamService {
  constructor(
    private readonly members: MemberRepository,
    private readonly users: UserRepository,
  ) {}

  projectMembers(projectId: number): Promise<HawkUser[]> {
    return this.members.members(projectId);
  }

  async setMembers(projectId: number, userIds: readonly number[], by: HawkUser): Promise<HawkUser[]> {
    const known = new Set((await this.users.accounts()).map((u) => u.id));
    const unknown = userIds.filter((id) => !known.has(id));
    if (unknown.length) throw badRequest(`No user with id ${unknown.join(', ')}; list users with GET /users.`);
    await this.members.setMembers(projectId, userIds, by.id);
    return this.members.members(projectId);
  }

  myAssignments(user: HawkUser): Promise<HawkMyAssignment[]> {
    return this.members.myAssignments(user.id);
  }
}
