import type { HawkAttributeValues, HawkBox, HawkLabelSchema, HawkPrelabelResult, HawkTrack, HawkXyxy } from '@sightline/contracts';
import type { SetPatch } from '../repositories/annotation.repository.ts';
import type { ModelWork } from './prelabel-replace.ts';
import { trackFromSightings, type TrackSightings } from './track-building.ts';
import { simplifyKeyframes } from './track-simplify.ts';

/** Default attribute values of each class: what a person drawing a new box would start from. */
export function classDefaults(schema: HawkLabelSchema): Map<string, HawkAttributeValues> {
  return new Map(schema.classes.map((c) => [c.name, Object.fromEntries(c.attributes.map((a) => [a.name, a.default]))]));
}

export interface PrelabelPatch {
  readonly patch: SetPatch;
  readonly boxes: number;
  readonly tracks: number;
  /** Earlier model boxes and tracks removed (with `replacing`). */
  readonly replaced: number;
}

/**
 * Turns a detector result into a save: boxes the tracker linked over two or more frames become
 * tracks (keyframes thinned to `tolerancePx`, an outside keyframe where the object is lost), the
 * rest plain boxes with their score. Boxes already on those frames are kept: the model adds, it
 * never removes a person's work. Ids start with `model-<job>-` so a run's boxes can be told apart.
 * `replacing` lists earlier model output (see unchangedModelWork) that this run takes the place of.
 */
export function prelabelPatch(
  jobId: number,
  result: HawkPrelabelResult,
  existing: Record<string, HawkBox[]>,
  schema: HawkLabelSchema,
  lastFrame: number,
  tolerancePx = 1.5,
  replacing: ModelWork = { boxIds: new Set(), trackIds: [] },
): PrelabelPatch {
  const defaults = classDefaults(schema);
  const attrs = (label: string) => ({ ...(defaults.get(label) ?? {}) });
  const sightings = new Map<number, { label: string; at: Map<number, HawkXyxy>; first: { frame: number; box: HawkBox } }>();
  const loose = new Map<number, HawkBox[]>();
  for (const { frame, boxes } of result.frames) {
    boxes.forEach((b, i) => {
      const box: HawkBox = { id: `model-${jobId}-f${frame}-${i}`, label: b.label, xyxy: b.xyxy, attributes: attrs(b.label), score: b.score };
      if (b.trackId === null) return void loose.set(frame, [...(loose.get(frame) ?? []), box]);
      const s = sightings.get(b.trackId);
      if (s) s.at.set(frame, b.xyxy);
      else sightings.set(b.trackId, { label: b.label, at: new Map([[frame, b.xyxy]]), first: { frame, box } });
    });
  }
  const tracks: HawkTrack[] = [];
  for (const [trackId, s] of sightings) {
    if (s.at.size < 2) {
      loose.set(s.first.frame, [...(loose.get(s.first.frame) ?? []), s.first.box]);
      continue;
    }
    const sight: TrackSightings = { label: s.label, attributes: attrs(s.label), at: s.at };
    const track = trackFromSightings(`model-${jobId}-t${trackId}`, sight, lastFrame);
    tracks.push({ ...track, keyframes: simplifyKeyframes(track.keyframes, tolerancePx) });
  }
  const frames: Record<string, HawkBox[]> = {};
  const kept = (frame: string) => (existing[frame] ?? []).filter((b) => !replacing.boxIds.has(b.id));
  for (const [frame, list] of Object.entries(existing)) if (list.some((b) => replacing.boxIds.has(b.id))) frames[frame] = kept(frame);
  let boxes = 0;
  for (const [frame, added] of loose) {
    frames[String(frame)] = [...kept(String(frame)), ...added];
    boxes += added.length;
  }
  const replaced = replacing.boxIds.size + replacing.trackIds.length;
  return { patch: { frames, tracks, deletedTrackIds: [...replacing.trackIds] }, boxes, tracks: tracks.length, replaced };
}
