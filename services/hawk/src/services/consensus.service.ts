import type { HawkAgreement, HawkAssignment, HawkAssignmentBody, HawkBox, HawkMergeBody, HawkMergeResult, HawkProject, HawkTrack, HawkUser } from '@sightline/contracts';
import { badRequest, conflict, notFound } from '@sightline/server-kit';
import type { AnnotationRepository } from '../repositories/annotation.repository.ts';
import type { AssignmentRepository } from '../repositories/assignment.repository.ts';
import type { MemberRepository } from '../repositories/member.repository.ts';
import { agreementScore, mergeFrame, type ClusterDetail, type MergeDetail, type MergedBox, type ReplicaScore } from './consensus-merge.ts';
import { agreementParts, mergeReport } from './consensus-report.ts';
import { expandFrames } from './track-interpolation.ts';
import { trackFromSightings } from './track-building.ts';

/** Assignments of a frame range to several annotators (replicas) and their consensus merge. */
export class ConsensusService {
  constructor(
    private readonly assignments: AssignmentRepository,
    private readonly annotations: AnnotationRepository,
    private readonly members: MemberRepository,
  ) {}

  async create(videoId: number, project: HawkProject, frameCount: number, body: HawkAssignmentBody, creator: HawkUser): Promise<HawkAssignment> {
    if (body.frameTo < body.frameFrom) throw badRequest(`frameTo ${body.frameTo} (frame ${body.frameTo + 1}) is before frameFrom ${body.frameFrom} (frame ${body.frameFrom + 1}).`);
    if (body.frameTo >= frameCount) throw badRequest(`frameTo ${body.frameTo} (frame ${body.frameTo + 1}) is past the video's last frame ${frameCount} (index ${frameCount - 1}).`);
    const outsiders = await this.members.cannotWork(project.id, body.annotatorIds);
    if (outsiders.length) {
      throw badRequest(
        `User${outsiders.length > 1 ? 's' : ''} ${outsiders.join(', ')} cannot take this assignment: annotators must be members of project "${project.name}" (an admin adds them on the project's page, PUT /projects/${project.id}/members); unknown and disabled users cannot work.`,
      );
    }
    const id = await this.annotations.transaction(async (client) => {
      const assignmentId = await this.assignments.create(client, videoId, body.frameFrom, body.frameTo, creator.id);
      for (const annotatorId of body.annotatorIds) await this.annotations.createSet(client, videoId, 'replica', assignmentId, annotatorId);
      return assignmentId;
    });
    return this.get(id);
  }

  async get(id: number): Promise<HawkAssignment> {
    const a = await this.assignments.get(id);
    if (!a) throw notFound(`Assignment ${id} does not exist.`);
    const replicas = (await this.annotations.listSets(a.videoId)).filter((s) => s.assignmentId === id && s.kind === 'replica');
    return { ...a, replicas };
  }

  async list(videoId: number): Promise<HawkAssignment[]> {
    return Promise.all((await this.assignments.listByVideo(videoId)).map((a) => this.get(a.id)));
  }

  /**
   * Merges the replicas of an assignment into a new 'merged' set (replicas stay untouched) and
   * records the run with each annotator's agreement. Boxes drawn as tracks in the first replica
   * that has them stay tracks (one keyframe per frame, outside where the object is not kept).
   */
  async merge(assignmentId: number, params: HawkMergeBody, user: HawkUser): Promise<HawkMergeResult> {
    const assignment = await this.get(assignmentId);
    if (assignment.replicas.length < 2) throw conflict(`Assignment ${assignmentId} has ${assignment.replicas.length} replica; a merge needs at least 2.`);
    const { frameFrom: from, frameTo: to } = assignment;
    const expanded = await Promise.all(
      assignment.replicas.map(async (r) => expandFrames(await this.annotations.frames(r.id, from, to), await this.annotations.tracks(r.id, from, to), from, to)),
    );
    const scores: ReplicaScore[] = assignment.replicas.map(() => ({ matched: 0, drawn: 0, kept: 0 }));
    const frames: Record<string, HawkBox[]> = {};
    const trackFrames = new Map<string, { label: string; attributes: HawkBox['attributes']; at: Map<number, MergedBox> }>();
    let kept = 0;
    let drawnTotal = 0;
    const detail: MergeDetail = { parts: assignment.replicas.map(() => ({ inKept: 0, classWon: 0, attributeValues: 0, attributesWon: 0 })), clusters: [] };
    const reportFrames: { frame: number; clusters: ClusterDetail[] }[] = [];
    for (let f = from; f <= to; f++) {
      const perReplica = expanded.map((m) => m.get(f) ?? []);
      drawnTotal += perReplica.reduce((s, b) => s + b.length, 0);
      detail.clusters.length = 0;
      const merged = mergeFrame(perReplica, params.minIou, params.quorum, scores, detail);
      if (detail.clusters.length) reportFrames.push({ frame: f, clusters: [...detail.clusters] });
      kept += merged.length;
      const plain: HawkBox[] = [];
      merged.forEach((m, i) => {
        if (m.trackKey && !trackFrames.get(m.trackKey)?.at.has(f)) {
          const t = trackFrames.get(m.trackKey) ?? { label: m.label, attributes: m.attributes, at: new Map() };
          t.at.set(f, m);
          trackFrames.set(m.trackKey, t);
        } else {
          plain.push({ id: `m${f}-${i}`, label: m.label, xyxy: m.xyxy, attributes: m.attributes });
        }
      });
      if (plain.length) frames[String(f)] = plain;
    }
    const tracks: HawkTrack[] = [...trackFrames].map(([key, t], n) =>
      trackFromSightings(`t${n + 1}-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`.slice(0, 64), { label: t.label, attributes: t.attributes, at: new Map([...t.at].map(([f, m]) => [f, m.xyxy])) }, to),
    );
    const agreement: HawkAgreement[] = assignment.replicas.map((r, i) => ({
      annotatorId: r.annotatorId!,
      username: r.annotator ?? '',
      score: Math.round(agreementScore(scores[i]!) * 1000) / 1000,
      matched: scores[i]!.matched,
      total: scores[i]!.drawn,
      ...agreementParts(detail.parts[i]!, scores[i]!.drawn),
    }));
    const names = assignment.replicas.map((r) => ({ id: r.annotatorId!, username: r.annotator ?? '' }));
    const report = mergeReport(reportFrames, names, assignment.replicas.length, params.minIou);
    const { runId, resultSetId } = await this.annotations.transaction(async (client) => {
      const resultSetId = await this.annotations.createSet(client, assignment.videoId, 'merged', assignmentId, null);
      await this.annotations.applyPatch(resultSetId, 0, { frames, tracks, deletedTrackIds: [] }, user.id, client);
      const runId = await this.assignments.recordRun(client, { assignmentId, resultSetId, minIou: params.minIou, quorum: params.quorum, agreement, userId: user.id });
      return { runId, resultSetId };
    });
    // Objects across replicas that did not reach the quorum: drawn boxes not explained by a kept object.
    const dropped = Math.max(0, drawnTotal - scores.reduce((s, x) => s + x.matched, 0));
    return { runId, resultSetId, kept, dropped, agreement, objects: report.objects, unanimous: report.unanimous };
  }
}
