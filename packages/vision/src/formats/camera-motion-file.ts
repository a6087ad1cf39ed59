// Camera motion as text, one frame a line: `frame,a,b,tx,c,d,ty`, the affine map that takes a
// pixel of the previous processed frame to this frame (x' = a x + b y + tx, y' = c x + d y + ty;
// pixels counted from 0 as in `Detections`). `sightline detect --motion` writes it beside the
// detections, `sightline track --motion` reads it back for camera-motion compensation.
import type { Affine } from '../motion/affine.ts';
import { MotFormatError } from './mot.ts';

/**
 * One line of a camera-motion file.
 * @example formatCameraMotion(2, [1, 0, -3.5, 0, 1, 0.25]) // '2,1,0,-3.5,0,1,0.25\n'
 */
export function formatCameraMotion(frame: number, m: Affine): string {
  return `${frame},${m.map((v) => Number(v.toFixed(6))).join(',')}\n`;
}

/**
 * Parses a camera-motion file into frame -> motion from the frame before. Blank lines are skipped;
 * every other line needs a positive integer frame and six finite numbers.
 * @example parseCameraMotion('2,1,0,-3.5,0,1,0.25').get(2) // [1, 0, -3.5, 0, 1, 0.25]
 */
export function parseCameraMotion(text: string, file = '<text>'): Map<number, Affine> {
  const out = new Map<number, Affine>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => Number(f.trim()));
    if (fields.length !== 7 || fields.some((v) => !Number.isFinite(v))) throw new MotFormatError(file, i + 1, `expected frame,a,b,tx,c,d,ty (7 numbers), got "${line.slice(0, 80)}"`);
    const frame = fields[0]!;
    if (!Number.isInteger(frame) || frame < 1) throw new MotFormatError(file, i + 1, `frame must be a whole number >= 1, got ${frame}`);
    if (out.has(frame)) throw new MotFormatError(file, i + 1, `frame ${frame} is given twice`);
    out.set(frame, fields.slice(1) as unknown as Affine);
  }
  return out;
}
