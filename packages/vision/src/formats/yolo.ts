// YOLO darknet labels: one text file per image, one line per box, `class cx cy w h` with the centre
// and size divided by the image's width and height (0..1), classes numbered from 0 in classes.txt.
import { Detections } from '../detections.ts';

/** A malformed YOLO label file: names the line and what is wrong. */
export class YoloFormatError extends Error {
  override readonly name = 'YoloFormatError';
}

const fixed = (n: number) => String(Math.round(n * 1e6) / 1e6);

/**
 * One image's boxes as YOLO label text.
 * @example toYoloLabels(dets, [1280, 720]) // "0 0.5 0.5 0.1 0.2\n"
 */
export function toYoloLabels(detections: Detections, resolutionWh: readonly [number, number]): string {
  const [w, h] = resolutionWh;
  let out = '';
  for (let i = 0; i < detections.length; i++) {
    const [x1, y1, x2, y2] = detections.box(i);
    out += `${detections.classId[i]} ${fixed((x1 + x2) / 2 / w)} ${fixed((y1 + y2) / 2 / h)} ${fixed((x2 - x1) / w)} ${fixed((y2 - y1) / h)}\n`;
  }
  return out;
}

/**
 * Parses one YOLO label file back to pixel boxes (an optional 6th column is the confidence).
 * @example fromYoloLabels('0 0.5 0.5 0.1 0.2', [1280, 720]).box(0)
 */
export function fromYoloLabels(text: string, resolutionWh: readonly [number, number], file = '<labels>'): Detections {
  const [w, h] = resolutionWh;
  const rows = text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), no: i + 1 }))
    .filter((l) => l.line !== '')
    .map(({ line, no }) => {
      const v = line.split(/\s+/).map(Number);
      if ((v.length !== 5 && v.length !== 6) || v.some((x) => !Number.isFinite(x))) throw new YoloFormatError(`${file}:${no}: expected "class cx cy w h [conf]" numbers, found "${line}"`);
      const [c, cx, cy, bw, bh, conf] = v as [number, number, number, number, number, number?];
      if (!Number.isInteger(c) || c < 0) throw new YoloFormatError(`${file}:${no}: class must be an integer >= 0, found ${c}`);
      return { xyxy: [(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h] as const, confidence: conf ?? 1, classId: c };
    });
  return Detections.fromRows(rows);
}
