// The appearance tests' scene: the real photo's top row of people on a grey canvas, once in place
// and once moved, and the check that each person's embedding, once centred, is closer to the same
// person moved than to anyone else. Shared by the CenterNet and NanoDet map tests.
import assert from 'node:assert/strict';
import { boxIou, cosineDistance, EmbeddingCentering, normalised, type Detections, type Frame } from '@sightline/vision';

/** `img` placed at (x, y) on a grey canvas. */
export function onCanvas(img: Frame<'rgb24'>, width: number, height: number, x: number, y: number): Frame<'rgb24'> {
  const data = new Uint8Array(width * height * 3).fill(96);
  for (let r = 0; r < img.height; r++) data.set(img.data.subarray(r * img.width * 3, (r + 1) * img.width * 3), ((y + r) * width + x) * 3);
  return { width, height, format: 'rgb24', data };
}

/** Who is who: (index in a, index in b) for each box of `a` that, moved by (dx, dy), overlaps a box of `b` at IoU > 0.7. */
export function movedPairs(a: Detections, b: Detections, dx: number, dy: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i++) {
    const [x1, y1, x2, y2] = a.box(i);
    const moved = [x1 + dx, y1 + dy, x2 + dx, y2 + dy];
    let best = -1;
    let bestIou = 0.7;
    for (let j = 0; j < b.length; j++) {
      const iou = boxIou(moved, 0, b.box(j), 0);
      if (iou > bestIou) [best, bestIou] = [j, iou];
    }
    if (best >= 0) pairs.push([i, best]);
  }
  return pairs;
}

/** Centres both frames' embeddings together and asserts each pair is the nearest match of its first member. */
export function assertSelfClosest(rawA: Float32Array[], rawB: Float32Array[], pairs: readonly [number, number][]): void {
  const centred = new EmbeddingCentering(0.001).center([...rawA, ...rawB]);
  const cA = centred.slice(0, rawA.length);
  const cB = centred.slice(rawA.length);
  for (const [i, j] of pairs) {
    const self = cosineDistance(normalised(cA[i]!), cB[j]!);
    const others = pairs.filter(([, k]) => k !== j).map(([, k]) => cosineDistance(normalised(cA[i]!), cB[k]!));
    assert.ok(self < Math.min(...others), `person ${i}: distance to themself moved ${self.toFixed(3)}, to the nearest other ${Math.min(...others).toFixed(3)}`);
  }
}
