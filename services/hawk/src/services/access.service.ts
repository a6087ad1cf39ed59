import type { HawkAnnotationSetInfo, HawkAssignment, HawkProject, HawkReview, HawkUser } from '@sightline/contracts';
import { badRequest, forbidden } from '@sightline/server-kit';
import type { MemberRepository } from '../repositories/member.repository.ts';

/** 1-based frame number of a 0-based index, as the editor and MOT files count. */
export const frameNo = (index: number) => index + 1;

/**
 * Who sees what. Reviewers and admins see every project, set and replica. Annotators see only the
 * projects they are members of, and there the main set, merged sets, and their own replicas; the
 * other replicas of an assignment stay hidden from them until the assignment has been merged
 * (blind consensus: nobody copies another annotator's boxes).
 */
export class AccessService {
  constructor(private readonly members: MemberRepository) {}

  static seesAll(user: HawkUser): boolean {
    return user.role !== 'annotator';
  }

  async checkProject(user: HawkUser, project: Pick<HawkProject, 'id' | 'name'>): Promise<void> {
    if (AccessService.seesAll(user) || (await this.members.isMember(project.id, user.id))) return;
    throw forbidden(`You are not a member of project "${project.name}"; an admin adds members on the project's page.`);
  }

  async visibleProjects(user: HawkUser, projects: HawkProject[]): Promise<HawkProject[]> {
    if (AccessService.seesAll(user)) return projects;
    const mine = await this.members.projectsOf(user.id);
    return projects.filter((p) => mine.has(p.id));
  }

  /** Null when the user may read the set, else why not (the project's membership is checked separately). */
  private async hidden(user: HawkUser, set: HawkAnnotationSetInfo, mine: Set<number>, merged: Set<number>): Promise<string | null> {
    if (AccessService.seesAll(user) || set.kind !== 'replica' || set.annotatorId === user.id) return null;
    if (set.assignmentId !== null && mine.has(set.assignmentId) && merged.has(set.assignmentId)) return null;
    return `Set ${set.id} is another annotator's replica: replicas stay blind until their assignment is merged; open your own from "My assignments".`;
  }

  async checkSet(user: HawkUser, set: HawkAnnotationSetInfo): Promise<void> {
    if (AccessService.seesAll(user)) return;
    const ids = set.assignmentId === null ? [] : [set.assignmentId];
    const why = await this.hidden(user, set, await this.members.assignmentsOf(user.id), await this.members.mergedAssignments(ids));
    if (why) throw forbidden(why);
  }

  async visibleSets(user: HawkUser, sets: HawkAnnotationSetInfo[]): Promise<HawkAnnotationSetInfo[]> {
    if (AccessService.seesAll(user)) return sets;
    const mine = await this.members.assignmentsOf(user.id);
    const merged = await this.members.mergedAssignments([...new Set(sets.flatMap((s) => (s.assignmentId === null ? [] : [s.assignmentId])))]);
    const out: HawkAnnotationSetInfo[] = [];
    for (const s of sets) if (!(await this.hidden(user, s, mine, merged))) out.push(s);
    return out;
  }

  /** Annotators see the assignments they take part in, with the replicas they may read. */
  async visibleAssignments(user: HawkUser, assignments: HawkAssignment[]): Promise<HawkAssignment[]> {
    if (AccessService.seesAll(user)) return assignments;
    const mine = await this.members.assignmentsOf(user.id);
    const out: HawkAssignment[] = [];
    for (const a of assignments) if (mine.has(a.id)) out.push({ ...a, replicas: await this.visibleSets(user, a.replicas) });
    return out;
  }

  async visibleReviews(user: HawkUser, reviews: HawkReview[], sets: HawkAnnotationSetInfo[]): Promise<HawkReview[]> {
    if (AccessService.seesAll(user)) return reviews;
    const visible = new Set((await this.visibleSets(user, sets)).map((s) => s.id));
    return reviews.filter((r) => visible.has(r.setId));
  }

  /**
   * Frames (0-based keys) and visible track keyframes of a save to a replica outside its assigned
   * range, as one sentence in 1-based frame numbers; null when all are inside or the set is not a
   * replica. Emptied frames and `outside` keyframes are allowed: they only clean up or end a track.
   */
  static outsideRange(set: HawkAnnotationSetInfo, frames: Record<string, readonly unknown[]>, keyframes: readonly number[]): string | null {
    if (set.kind !== 'replica' || set.frameFrom === null || set.frameTo === null) return null;
    const from = set.frameFrom;
    const to = set.frameTo;
    const outside = [...Object.entries(frames).filter(([, boxes]) => boxes.length > 0).map(([k]) => Number(k)), ...keyframes].filter((f) => f < from || f > to);
    if (!outside.length) return null;
    const shown = [...new Set(outside.map(frameNo))].sort((a, b) => a - b);
    return `Nothing was saved: frame${shown.length > 1 ? 's' : ''} ${shown.slice(0, 5).join(', ')}${shown.length > 5 ? ' …' : ''} ${shown.length > 1 ? 'are' : 'is'} outside assignment ${set.assignmentId}'s frames ${frameNo(from)}–${frameNo(to)} (frame numbers count from 1; API indices ${from}–${to}).`;
  }

  /** Throws 400 with `outsideRange`'s sentence. */
  static checkRange(set: HawkAnnotationSetInfo, frames: Record<string, readonly unknown[]>, keyframes: readonly number[]): void {
    const why = AccessService.outsideRange(set, frames, keyframes);
    if (why) throw badRequest(why);
  }
}
