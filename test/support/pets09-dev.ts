// PETS 2009 S2.L1 View 001 dev ground truth (frames 1-400; research data beside the checkout, never
// in the repository): boxes in the 768x576 original, ground-plane metres per box. Read by Kanohi's
// counting benchmark and browser test to calibrate a camera from the ground-plane metres and to
// know who was really there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalDataDir } from '../../services/scouter/test-support/clip-fixture.ts';

export const pets09GtPath = join(evalDataDir, 'pets09-dev', 'gt-frames-1-400.txt');

/** The scene's ground plane (x -13.2..7.4 m, y -15.1..7.7 m) moved onto a floor plan from its top-left corner. */
export const PETS09_FLOOR = { widthM: 24, heightM: 25, offsetM: [14, 16] as const };

export interface Pets09Box {
  /** 1-based frame of the video decoded with -an -vsync passthrough. */
  readonly frame: number;
  readonly id: number;
  /** Box in the 480x360 video's pixels. */
  readonly xyxy: readonly [number, number, number, number];
  /** Ground-plane position on the floor plan (metres, offset by PETS09_FLOOR.offsetM). */
  readonly floorXy: readonly [number, number];
}

/** The dev ground truth, or undefined when the evaluation data is absent. */
export function readPets09Truth(): Pets09Box[] | undefined {
  if (!existsSync(pets09GtPath)) return undefined;
  const scale = 480 / 768;
  return readFileSync(pets09GtPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [frame, id, x, y, w, h, , wx, wy] = line.split(',').map(Number) as number[];
      return {
        frame: frame!,
        id: id!,
        xyxy: [x! * scale, y! * scale, (x! + w!) * scale, (y! + h!) * scale] as const,
        floorXy: [wx! + PETS09_FLOOR.offsetM[0], wy! + PETS09_FLOOR.offsetM[1]] as const,
      };
    });
}

/**
 * Calibration pairs from the ground truth: box bottom centres (pixels) and their ground-plane metres,
 * `count` boxes spread over the sequence, for Kanohi's calibration API.
 */
export function pets09CalibrationPairs(truth: readonly Pets09Box[], count = 40): { imageXy: [number, number]; floorXy: [number, number] }[] {
  return Array.from({ length: count }, (_, i) => truth[Math.floor((i * truth.length) / count)]!).map((b) => ({
    imageXy: [(b.xyxy[0] + b.xyxy[2]) / 2, b.xyxy[3]],
    floorXy: [b.floorXy[0], b.floorXy[1]],
  }));
}

/** Four zones for counting entries: the quadrants around the median of where people walked (floor metres). */
export function pets09Quadrants(truth: readonly Pets09Box[]): [number, number][][] {
  const xs = truth.map((b) => b.floorXy[0]).sort((a, b) => a - b);
  const ys = truth.map((b) => b.floorXy[1]).sort((a, b) => a - b);
  const [x0, xm, x1] = [xs[0]! - 0.5, xs[xs.length >> 1]!, xs.at(-1)! + 0.5];
  const [y0, ym, y1] = [ys[0]! - 0.5, ys[ys.length >> 1]!, ys.at(-1)! + 0.5];
  return [
    [[x0, y0], [xm, y0], [xm, ym], [x0, ym]],
    [[xm, y0], [x1, y0], [x1, ym], [xm, ym]],
    [[x0, ym], [xm, ym], [xm, y1], [x0, y1]],
    [[xm, ym], [x1, ym], [x1, y1], [xm, y1]],
  ];
}

/** The first sample of each person in each whole second, as Kanohi's people counts read samples. */
export function firstPerSecond<T extends { readonly person: number; readonly timeMs: number }>(samples: readonly T[]): T[] {
  const seen = new Set<string>();
  return [...samples].sort((a, b) => a.timeMs - b.timeMs).filter((s) => {
    const key = `${s.person}:${Math.floor(s.timeMs / 1000)}`;
    return !seen.has(key) && seen.add(key);
  });
}
