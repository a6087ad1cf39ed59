// A labelled street the tests draw themselves when the evaluation data is absent: people-like
// figures (head, torso with sleeves, two legs) walking over a cluttered background, each a track
// of a few frames, encoded to JPEG by ffmpeg. Torso colours have random hue and brightness; the
// test labels each track from the decoded pixels (the attribute is in the image, not in this
// code's choice), exactly as it labels MOT17's people.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '@sightline/media';
import { seededRandom } from '@sightline/native';

export interface DrawnTrack {
  id: number;
  /** 0-based frame index and box in pixels. */
  keyframes: { frame: number; xyxy: [number, number, number, number] }[];
}

type Rgb = [number, number, number];

/** Mean luma of a box's upper body (middle half of the width, 20-50% of the height), from decoded pixels. */
export function upperLuma(img: { data: Uint8Array; width: number; height: number }, [x1, y1, x2, y2]: readonly number[]): number {
  const w = x2! - x1!, h = y2! - y1!;
  let sum = 0, n = 0;
  for (let y = Math.round(y1! + 0.2 * h); y < Math.round(y1! + 0.5 * h); y++) {
    for (let x = Math.round(x1! + 0.25 * w); x < Math.round(x1! + 0.75 * w); x++) {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
      const o = (y * img.width + x) * 3;
      sum += 0.299 * img.data[o]! + 0.587 * img.data[o + 1]! + 0.114 * img.data[o + 2]!;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/** A colour of random hue whose luma (BT.601) is close to `luma`. */
function colourOfLuma(rand: () => number, luma: number): Rgb {
  const base: Rgb = [rand(), rand(), rand()];
  const l = 0.299 * base[0] + 0.587 * base[1] + 0.114 * base[2] || 1e-3;
  return base.map((c) => Math.max(0, Math.min(255, (c / l) * luma))) as Rgb;
}

/**
 * Draws `frames` frames of `width` x `height` into `dir` as 000001.jpg... (Hawk's frame names) and
 * returns the figures' tracks. A new figure enters every frame and walks for `trackFrames` frames.
 * @example const tracks = drawPeopleFrames('/tmp/frames', { frames: 48, seed: 1 });
 */
export function drawPeopleFrames(dir: string, options: { frames: number; seed: number; width?: number; height?: number; trackFrames?: number }): DrawnTrack[] {
  const { frames, seed, width = 640, height = 360, trackFrames = 6 } = options;
  const rand = seededRandom(seed);
  const figures = Array.from({ length: frames + trackFrames - 1 }, (_, i) => {
    const h = 110 + rand() * 110;
    return {
      id: i + 1,
      start: i - trackFrames + 1,
      h,
      w: h * 0.4,
      x0: 20 + rand() * (width - 40 - h * 0.4),
      feet: height * 0.55 + rand() * (height * 0.45 - 4),
      vx: (rand() - 0.5) * 24,
      skin: colourOfLuma(rand, 90 + rand() * 110),
      torso: colourOfLuma(rand, 15 + rand() * 225),
      legs: colourOfLuma(rand, 20 + rand() * 200),
      sleeves: rand() < 0.5,
    };
  });
  // Background: a gradient, furniture-like blocks and noise, the same street in every frame.
  const background = new Uint8Array(width * height * 3);
  const sky = colourOfLuma(rand, 60 + rand() * 140), ground = colourOfLuma(rand, 60 + rand() * 140);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = y / height, o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) background[o + c] = sky[c]! * (1 - t) + ground[c]! * t;
    }
  }
  for (let b = 0; b < 14; b++) {
    const colour = colourOfLuma(rand, 20 + rand() * 220);
    const bw = 20 + rand() * 120, bh = 20 + rand() * 100, bx = rand() * (width - bw), by = rand() * (height - bh);
    for (let y = Math.round(by); y < by + bh; y++) for (let x = Math.round(bx); x < bx + bw; x++) background.set(colour, (y * width + x) * 3);
  }

  const raw = Buffer.alloc(width * height * 3 * frames);
  const tracks = new Map<number, DrawnTrack>();
  for (let f = 0; f < frames; f++) {
    const img = raw.subarray(f * width * height * 3, (f + 1) * width * height * 3);
    img.set(background);
    const fill = (x1: number, y1: number, x2: number, y2: number, colour: Rgb, ellipse = false) => {
      const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2, rx = (x2 - x1) / 2, ry = (y2 - y1) / 2;
      for (let y = Math.max(0, Math.round(y1)); y < Math.min(height, Math.round(y2)); y++) {
        for (let x = Math.max(0, Math.round(x1)); x < Math.min(width, Math.round(x2)); x++) {
          if (ellipse && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
          // Cloth is not flat: a little shading across the width.
          const shade = 0.85 + 0.3 * ((x - x1) / Math.max(1, x2 - x1));
          img.set(colour.map((c) => Math.min(255, c * shade)), (y * width + x) * 3);
        }
      }
    };
    // Farther figures (feet higher up) first, so nearer ones are drawn over them.
    const visible = figures.filter((p) => f >= p.start && f < p.start + trackFrames).sort((a, b) => a.feet - b.feet);
    for (const p of visible) {
      const k = f - p.start;
      const x1 = p.x0 + p.vx * k, y1 = p.feet - p.h, x2 = x1 + p.w, y2 = p.feet;
      const X = (u: number) => x1 + u * p.w, Y = (v: number) => y1 + v * p.h;
      fill(X(0.3), Y(0), X(0.7), Y(0.17), p.skin, true);
      fill(X(0.18), Y(0.17), X(0.82), Y(0.56), p.torso);
      fill(X(0), Y(0.19), X(0.18), Y(0.52), p.sleeves ? p.torso : p.skin);
      fill(X(0.82), Y(0.19), X(1), Y(0.52), p.sleeves ? p.torso : p.skin);
      const stride = Math.sin(k * 1.3) * 0.06;
      fill(X(0.22 + stride), Y(0.56), X(0.47 + stride), Y(1), p.legs);
      fill(X(0.53 - stride), Y(0.56), X(0.78 - stride), Y(1), p.legs);
      const xyxy: [number, number, number, number] = [Math.max(0, x1), Math.max(0, y1), Math.min(width, x2), Math.min(height, y2)];
      const t = tracks.get(p.id) ?? { id: p.id, keyframes: [] };
      t.keyframes.push({ frame: f, xyxy });
      tracks.set(p.id, t);
    }
    // Sensor noise.
    for (let i = 0; i < img.length; i++) img[i] = Math.max(0, Math.min(255, img[i]! + (rand() - 0.5) * 16));
  }
  mkdirSync(dir, { recursive: true });
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-', '-q:v', '3', '-start_number', '1', join(dir, '%06d.jpg')], { input: raw, maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`ffmpeg could not encode the drawn frames: ${run.stderr?.toString() || run.error?.message}`);
  return [...tracks.values()];
}
