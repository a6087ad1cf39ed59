// CenterNet on an input shaped to the source: the rewritten graph runs at 512x384 and finds the
// same people as the 512x512 letterbox on a real 4:3 photo crop.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { boxIou } from '@sightline/vision';
import { CenterNetDetector } from '../detect/centernet.detector.ts';
import { packageDir } from '../registry/model-cache.ts';
import { centernetInputFor } from './centernet-input.ts';

const cases: { source: [number, number]; input: [number, number] }[] = [
  { source: [480, 360], input: [352, 480] },
  { source: [640, 480], input: [384, 512] },
  { source: [640, 360], input: [352, 640] },
  { source: [320, 240], input: [384, 512] },
  { source: [1920, 1080], input: [384, 640] },
  { source: [640, 640], input: [512, 512] },
  { source: [360, 640], input: [640, 352] },
  { source: [1280, 1024], input: [416, 512] },
  { source: [720, 480], input: [384, 576] },
  { source: [156, 160], input: [512, 512] },
  { source: [2000, 10], input: [384, 640] },
];
for (const { source, input } of cases) {
  test(`a ${source.join('x')} source runs at ${input[1]}x${input[0]}`, () => {
    assert.deepEqual(centernetInputFor(source), input);
  });
}

test('the graph rewritten for 512x384 finds the people the 512x512 letterbox finds on a 4:3 crop', async () => {
  const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;
  const img = await decodeImageRgb(samples, { crop: [0, 0, 640, 480] });
  const square = await CenterNetDetector.create({ inputSize: [512, 512], classIds: [0], scoreThreshold: 0.4, threads: 2 });
  const source = await CenterNetDetector.create({ inputSize: 'source', classIds: [0], scoreThreshold: 0.4, threads: 2 });
  try {
    assert.deepEqual(source.shapeFor(img), [384, 512]);
    const a = await square.detect(img);
    const b = await source.detect(img);
    assert.ok(a.length >= 3, `only ${a.length} people at 512x512`);
    for (let i = 0; i < a.length; i++) {
      const best = Math.max(0, ...Array.from({ length: b.length }, (_, j) => boxIou(a.box(i), 0, b.box(j), 0)));
      assert.ok(best >= 0.7, `person ${i} (${a.box(i).map(Math.round)}) found at 512x512 has no match at 512x384 (best IoU ${best.toFixed(2)})`);
    }
    assert.ok(Math.abs(a.length - b.length) <= 1, `${a.length} people at 512x512, ${b.length} at 512x384`);
  } finally {
    await square.release();
    await source.release();
  }
});
