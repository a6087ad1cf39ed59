import type { HawkKeyframe, HawkXyxy } from '@sightline/contracts';

const lerp = (a: HawkKeyframe, b: HawkKeyframe, frame: number): HawkXyxy => {
  const t = (frame - a.frame) / (b.frame - a.frame);
  return a.xyxy.map((v, k) => v + (b.xyxy[k]! - v) * t) as unknown as HawkXyxy;
};

const within = (a: HawkXyxy, b: HawkXyxy, tolerancePx: number) => a.every((v, k) => Math.abs(v - b[k]!) <= tolerancePx);

/**
 * Drops keyframes that interpolation between their neighbours reproduces within `tolerancePx` on
 * every coordinate, so a detector's per-frame track becomes a few keyframes a person can edit.
 * Outside keyframes, and the first and last visible keyframe of each run, are always kept.
 */
export function simplifyKeyframes(keyframes: readonly HawkKeyframe[], tolerancePx: number): HawkKeyframe[] {
  const out: HawkKeyframe[] = [];
  let run: HawkKeyframe[] = [];
  const flush = () => {
    if (run.length === 0) return;
    let anchor = 0;
    out.push(run[0]!);
    for (let end = anchor + 2; end < run.length; end++) {
      const a = run[anchor]!;
      const b = run[end]!;
      let fits = true;
      for (let k = anchor + 1; k < end && fits; k++) fits = within(lerp(a, b, run[k]!.frame), run[k]!.xyxy, tolerancePx);
      if (!fits) {
        anchor = end - 1;
        out.push(run[anchor]!);
      }
    }
    if (run.length > 1) out.push(run[run.length - 1]!);
    run = [];
  };
  for (const k of keyframes) {
    if (k.outside) {
      flush();
      out.push(k);
    } else run.push(k);
  }
  flush();
  return out;
}
