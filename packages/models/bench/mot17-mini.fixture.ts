// mot17-mini's frames with their person ground truth, as the detector benchmarks score them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GtBox } from '../src/index.ts';

// MOT17 gt: frame,id,x,y,w,h,consider,class,visibility. Class 1 pedestrian; 2 person on vehicle,
// 7 static person, 8 distractor, 12 reflection are ignore regions; other classes (vehicles) are not people.
const PERSON_LIKE = new Set([2, 7, 8, 12]);

/** One image of a sequence: its path and its people (hidden ones, below 25% visible, are ignore regions). */
export interface Mot17Image {
  readonly seq: string;
  readonly path: string;
  readonly gt: GtBox[];
}

/**
 * The images of every sequence under `root` (mot17-mini/train), in order.
 * @example for (const { path, gt } of mot17Images(join(data, 'mot17-mini', 'train'))) score(path, gt);
 */
export function mot17Images(root: string): Mot17Image[] {
  const out: Mot17Image[] = [];
  for (const seq of readdirSync(root).sort()) {
    const gtRows = readFileSync(join(root, seq, 'gt', 'gt.txt'), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
    for (const file of readdirSync(join(root, seq, 'img1')).filter((f) => f.endsWith('.jpg')).sort()) {
      const frame = Number(file.replace('.jpg', ''));
      const gt: GtBox[] = [];
      for (const [f, , x, y, w, h, consider, cls, vis] of gtRows) {
        if (f !== frame) continue;
        const xyxy: [number, number, number, number] = [x! - 1, y! - 1, x! - 1 + w!, y! - 1 + h!];
        if (cls === 1) gt.push({ xyxy, ignore: consider === 0 || vis! < 0.25 });
        else if (PERSON_LIKE.has(cls!)) gt.push({ xyxy, ignore: true });
      }
      out.push({ seq, path: join(root, seq, 'img1', file), gt });
    }
  }
  return out;
}
