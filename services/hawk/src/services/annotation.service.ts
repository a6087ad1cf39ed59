import { HAWK_LIMITS, type HawkAnnotations, type HawkAnnotationSetInfo, type HawkHistoryEntry, type HawkLabelSchema, type HawkSaveBody, type HawkUser } from '@sightline/contracts';
import { badRequest, conflict, forbidden, notFound } from '@sightline/server-kit';
import type { AnnotationRepository } from '../repositories/annotation.repository.ts';
import { labelProblem } from './project.service.ts';
import { keyframeProblem } from './track-interpolation.ts';
import { AccessService, frameNo } from './access.service.ts';

export interface SaveContext {
  /** Label schema and frame count of the set's project and video. */
  readonly schema: HawkLabelSchema;
  readonly frameCount: number;
}

/** Reads and saves annotation sets with optimistic versions; who may write which set. */
export class AnnotationService {
  constructor(
    private readonly annotations: AnnotationRepository,
    private readonly onSaved: (event: { setId: number; videoId: number; version: number; userId: number }) => void,
  ) {}

  async set(id: number): Promise<HawkAnnotationSetInfo> {
    const set = await this.annotations.getSet(id);
    if (!set) throw notFound(`Annotation set ${id} does not exist.`);
    return set;
  }

  listSets(videoId: number): Promise<HawkAnnotationSetInfo[]> {
    return this.annotations.listSets(videoId);
  }

  /** The video's shared set, created on first use (writes: import, pre-labeling). */
  mainSet(videoId: number): Promise<HawkAnnotationSetInfo> {
    return this.annotations.mainSet(videoId);
  }

  /** Gives every video its main set (a video gets it when announced; databases from before may lack some). */
  ensureMainSets(): Promise<number> {
    return this.annotations.ensureMainSets();
  }

  async read(setId: number, from: number, to: number): Promise<HawkAnnotations> {
    const set = await this.set(setId);
    // One answer stays a bounded size: past the cap, the client asks for a narrower range.
    const boxes = await this.annotations.countBoxes(setId, from, to);
    if (boxes > HAWK_LIMITS.boxesPerRead) {
      throw badRequest(`Frames ${from}..${to} of set ${setId} hold ${boxes} boxes, more than one read answers (${HAWK_LIMITS.boxesPerRead}); ask for a narrower range with from and to.`);
    }
    const [frames, tracks] = await Promise.all([this.annotations.frames(setId, from, to), this.annotations.tracks(setId, from, to)]);
    return { set, frames, tracks };
  }

  /** A replica belongs to its annotator; merged sets are the reviewers'; the main set is everyone's. */
  static canWrite(set: HawkAnnotationSetInfo, user: HawkUser): boolean {
    if (user.role === 'admin') return true;
    if (set.kind === 'replica') return set.annotatorId === user.id;
    if (set.kind === 'merged') return user.role === 'reviewer';
    return true;
  }

  /** Saves `body` onto `set` (as the caller read it, once: the version check happens in the write). */
  async save(set: HawkAnnotationSetInfo, body: HawkSaveBody, user: HawkUser, ctx: SaveContext): Promise<number> {
    const setId = set.id;
    if (!AnnotationService.canWrite(set, user)) {
      throw forbidden(set.kind === 'replica' ? `Set ${setId} is ${set.annotator}'s replica; save to your own replica.` : `Only reviewers and admins edit merged set ${setId}.`);
    }
    const frames = body.frames ?? {};
    const overLimit = limitProblem(frames, body.tracks ?? []);
    if (overLimit) throw badRequest(`Nothing was saved: ${overLimit}`);
    AccessService.checkRange(set, frames, (body.tracks ?? []).flatMap((t) => t.keyframes.filter((k) => !k.outside).map((k) => k.frame)));
    const problems: string[] = [];
    for (const [key, boxes] of Object.entries(frames)) {
      const f = Number(key);
      if (f >= ctx.frameCount) problems.push(`frame ${frameNo(f)} (index ${f}) is past the video's last frame ${ctx.frameCount} (index ${ctx.frameCount - 1})`);
      for (const box of boxes) {
        const p = labelProblem(ctx.schema, box.label, box.attributes);
        if (p) problems.push(`frame ${frameNo(f)}, box ${box.id}: ${p}`);
        if (!(box.xyxy[2] > box.xyxy[0] && box.xyxy[3] > box.xyxy[1])) problems.push(`frame ${frameNo(f)}, box ${box.id}: xyxy must have x2 > x1 and y2 > y1`);
      }
    }
    for (const track of body.tracks ?? []) {
      const p = labelProblem(ctx.schema, track.label, track.attributes) ?? keyframeProblem(track);
      if (p) problems.push(`track ${track.id}: ${p}`);
      if (track.keyframes.some((k) => k.frame >= ctx.frameCount)) problems.push(`track ${track.id}: a keyframe is past the last frame ${ctx.frameCount} (index ${ctx.frameCount - 1})`);
    }
    if (problems.length) throw badRequest(`Nothing was saved: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`);
    const version = await this.annotations.applyPatch(setId, body.baseVersion, { frames, tracks: body.tracks ?? [], deletedTrackIds: body.deletedTrackIds ?? [] }, user.id);
    if (version === null) {
      const current = await this.set(setId);
      throw conflict(`Set ${setId} changed since version ${body.baseVersion} (now version ${current.version}, saved by someone else); reload it and apply your edits again.`);
    }
    this.onSaved({ setId, videoId: set.videoId, version, userId: user.id });
    return version;
  }

  history(setId: number, limit: number): Promise<HawkHistoryEntry[]> {
    return this.annotations.history(setId, limit);
  }
}

/**
 * The bounds of {@link HAWK_LIMITS}, checked in code too: the save route's schema enforces them for
 * request bodies, and imports and merges build their patches without passing that schema.
 */
export function limitProblem(frames: HawkSaveBody['frames'] & object, tracks: NonNullable<HawkSaveBody['tracks']>): string | undefined {
  for (const [frame, boxes] of Object.entries(frames)) {
    if (boxes.length > HAWK_LIMITS.boxesPerFrame) return `frame ${frame} has ${boxes.length} boxes, more than the limit of ${HAWK_LIMITS.boxesPerFrame} boxes per frame.`;
  }
  if (tracks.length > HAWK_LIMITS.tracksPerSave) return `${tracks.length} tracks, more than the limit of ${HAWK_LIMITS.tracksPerSave} tracks per save or import.`;
  const long = tracks.find((t) => t.keyframes.length > HAWK_LIMITS.keyframesPerTrack);
  if (long) return `track ${long.id} has ${long.keyframes.length} keyframes, more than the limit of ${HAWK_LIMITS.keyframesPerTrack} per track.`;
  return undefined;
}
