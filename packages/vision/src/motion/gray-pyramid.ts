// The small grayscale images camera-motion estimation works on: the frame averaged down by a whole
// factor, a pyramid of halvings for coarse-to-fine optical flow, image gradients, and corners
// (Shi-Tomasi's smallest eigenvalue of the structure tensor) spread over a grid.
import type { Frame } from '../frame.ts';

/** A single-channel float image, rows packed. */
export interface GrayImage {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** One pyramid level with its central-difference gradients. */
export interface PyramidLevel extends GrayImage {
  readonly gx: Float32Array;
  readonly gy: Float32Array;
}

/**
 * The frame as gray levels (0..255, BT.601 luma) averaged over `factor` x `factor` blocks: pixel
 * (i, j) of the result covers frame pixels [factor*i, factor*(i+1)) x [factor*j, factor*(j+1)).
 */
export function downscaleGray(frame: Frame, factor: number): GrayImage {
  const bpp = frame.format === 'rgba' ? 4 : 3;
  const width = Math.floor(frame.width / factor);
  const height = Math.floor(frame.height / factor);
  const out = new Float32Array(width * height);
  const src = frame.data;
  const stride = frame.width * bpp;
  const norm = 1 / (factor * factor);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let p = (y * factor + dy) * stride + x * factor * bpp;
        for (let dx = 0; dx < factor; dx++, p += bpp) sum += 0.299 * src[p]! + 0.587 * src[p + 1]! + 0.114 * src[p + 2]!;
      }
      out[y * width + x] = sum * norm;
    }
  }
  return { data: out, width, height };
}

/** `image` and its halvings (2x2 means) while the smaller side stays at least `minSide`, at most `levels` in all. */
export function buildPyramid(image: GrayImage, levels: number, minSide = 24): PyramidLevel[] {
  const out: PyramidLevel[] = [withGradients(image)];
  let cur = image;
  while (out.length < levels && Math.min(cur.width, cur.height) >= 2 * minSide) {
    const w = cur.width >> 1;
    const h = cur.height >> 1;
    const d = new Float32Array(w * h);
    const s = cur.data;
    for (let y = 0; y < h; y++) {
      const r0 = 2 * y * cur.width;
      const r1 = r0 + cur.width;
      for (let x = 0; x < w; x++) d[y * w + x] = (s[r0 + 2 * x]! + s[r0 + 2 * x + 1]! + s[r1 + 2 * x]! + s[r1 + 2 * x + 1]!) * 0.25;
    }
    cur = { data: d, width: w, height: h };
    out.push(withGradients(cur));
  }
  return out;
}

function withGradients(image: GrayImage): PyramidLevel {
  const { data, width: w, height: h } = image;
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      gx[i] = (data[i + 1]! - data[i - 1]!) * 0.5;
      gy[i] = (data[i + w]! - data[i - w]!) * 0.5;
    }
  }
  return { ...image, gx, gy };
}

/**
 * Corners to follow: the strongest point (smallest structure-tensor eigenvalue over a 5x5 window)
 * of each `cell` x `cell` block, kept when at least `quality` times the strongest of the image and
 * when `allowed(x, y)` says the pixel may be used (outside the people). Returns x, y pairs.
 */
export function gridCorners(level: PyramidLevel, cell: number, margin: number, quality: number, allowed: (x: number, y: number) => boolean): Float64Array {
  const { gx, gy, width: w, height: h } = level;
  const xx = new Float32Array(w * h);
  const xy = new Float32Array(w * h);
  const yy = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    xx[i] = gx[i]! * gx[i]!;
    xy[i] = gx[i]! * gy[i]!;
    yy[i] = gy[i]! * gy[i]!;
  }
  const sxx = boxSum5(xx, w, h);
  const sxy = boxSum5(xy, w, h);
  const syy = boxSum5(yy, w, h);
  const score = new Float32Array(w * h);
  let best = 0;
  for (let y = margin; y < h - margin; y++) {
    for (let x = margin; x < w - margin; x++) {
      const i = y * w + x;
      const a = sxx[i]!;
      const c = syy[i]!;
      const b = sxy[i]!;
      const e = (a + c) / 2 - Math.sqrt(((a - c) / 2) ** 2 + b * b);
      score[i] = e;
      if (e > best) best = e;
    }
  }
  const floor = Math.max(best * quality, 1e-3);
  const points: number[] = [];
  for (let y0 = margin; y0 < h - margin; y0 += cell) {
    for (let x0 = margin; x0 < w - margin; x0 += cell) {
      let top = floor;
      let at = -1;
      for (let y = y0; y < Math.min(y0 + cell, h - margin); y++) {
        for (let x = x0; x < Math.min(x0 + cell, w - margin); x++) {
          const s = score[y * w + x]!;
          if (s > top && allowed(x, y)) {
            top = s;
            at = y * w + x;
          }
        }
      }
      if (at >= 0) points.push(at % w, Math.floor(at / w));
    }
  }
  return Float64Array.from(points);
}

/** Sums over the 5x5 window around each pixel (zero outside the image): running sums along rows, then columns. */
function boxSum5(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let s = 0;
    for (let x = 0; x < Math.min(2, w); x++) s += src[row + x]!;
    for (let x = 0; x < w; x++) {
      if (x + 2 < w) s += src[row + x + 2]!;
      if (x - 3 >= 0) s -= src[row + x - 3]!;
      tmp[row + x] = s;
    }
  }
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = 0; y < Math.min(2, h); y++) s += tmp[y * w + x]!;
    for (let y = 0; y < h; y++) {
      if (y + 2 < h) s += tmp[(y + 2) * w + x]!;
      if (y - 3 >= 0) s -= tmp[(y - 3) * w + x]!;
      out[y * w + x] = s;
    }
  }
  return out;
}
