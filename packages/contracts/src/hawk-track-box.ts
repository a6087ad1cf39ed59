import type { HawkKeyframe, HawkXyxy } from './hawk-annotations.ts';

/**
 * The box of a track at `frame` (0-based), the one rule the server, the editor and training share:
 * a keyframe's box, a linear blend between the keyframes around it, the last keyframe's box held
 * after it, or null before the first keyframe and while "outside". Keyframes sorted by frame.
 * @example trackBoxAt([{ frame: 0, xyxy: [0, 0, 10, 10], outside: false }, { frame: 10, xyxy: [10, 0, 20, 10], outside: false }], 5) // [5, 0, 15, 10]
 */
export function trackBoxAt(keyframes: readonly HawkKeyframe[], frame: number): HawkXyxy | null {
  let lo = -1;
  for (let i = 0; i < keyframes.length && keyframes[i]!.frame <= frame; i++) lo = i;
  if (lo < 0) return null;
  const a = keyframes[lo]!;
  if (a.outside) return null;
  const b = keyframes[lo + 1];
  if (a.frame === frame || !b || b.outside) return [...a.xyxy] as HawkXyxy;
  const t = (frame - a.frame) / (b.frame - a.frame);
  return a.xyxy.map((v, k) => v + (b.xyxy[k]! - v) * t) as unknown as HawkXyxy;
}
