import type { HawkAttributeValues, HawkKeyframe, HawkTrack, HawkXyxy } from '@sightline/contracts';

/** Boxes of one object over frames, by frame index. */
export interface TrackSightings {
  readonly label: string;
  readonly attributes: HawkAttributeValues;
  readonly at: Map<number, HawkXyxy>;
}

/**
 * A track with a keyframe on every frame the object was seen and an `outside` keyframe on the
 * first frame of each gap (and after the last sighting when `lastFrame` lies beyond it), so that
 * interpolation reproduces exactly the given per-frame boxes.
 */
export function trackFromSightings(id: string, s: TrackSightings, lastFrame: number): HawkTrack {
  const frames = [...s.at.keys()].sort((a, b) => a - b);
  const keyframes: HawkKeyframe[] = [];
  frames.forEach((f, i) => {
    const xyxy = s.at.get(f)!;
    keyframes.push({ frame: f, xyxy, outside: false });
    const next = frames[i + 1];
    if ((next === undefined && f < lastFrame) || (next !== undefined && next > f + 1)) keyframes.push({ frame: f + 1, xyxy, outside: true });
  });
  return { id, label: s.label, attributes: s.attributes, keyframes };
}
