// Copies a rectangle of an RGB frame into a frame of its own (clipped to the source), so the
// native frame -> tensor kernel can letterbox it like any frame.
import type { Frame } from '@sightline/native';

/** Integer pixel rectangle inside the frame, or undefined when the box misses it. */
export function clipRect(xyxy: readonly number[], width: number, height: number): [number, number, number, number] | undefined {
  const x1 = Math.max(0, Math.floor(xyxy[0]!));
  const y1 = Math.max(0, Math.floor(xyxy[1]!));
  const x2 = Math.min(width, Math.ceil(xyxy[2]!));
  const y2 = Math.min(height, Math.ceil(xyxy[3]!));
  return x2 - x1 >= 2 && y2 - y1 >= 2 ? [x1, y1, x2, y2] : undefined;
}

/**
 * The pixels of `rect` ([x1, y1, x2, y2], integers inside the frame) as a new rgb24 frame.
 * @example const head = cropFrame(frame, [10, 10, 90, 90]);
 */
export function cropFrame(frame: Frame, rect: readonly [number, number, number, number]): Frame {
  const bpp = frame.format === 'rgba' ? 4 : 3;
  const [x1, y1, x2, y2] = rect;
  const w = x2 - x1;
  const h = y2 - y1;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const row = ((y1 + y) * frame.width + x1) * bpp;
    if (bpp === 3) data.set(frame.data.subarray(row, row + w * 3), y * w * 3);
    else for (let x = 0; x < w; x++) data.set(frame.data.subarray(row + x * 4, row + x * 4 + 3), (y * w + x) * 3);
  }
  return { data, width: w, height: h, format: 'rgb24' };
}
