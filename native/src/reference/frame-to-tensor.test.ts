// Independent checks of the TypeScript reference: hand-computed values, not other backends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../engine.ts';
import { frameGeometry, tensorToImageXyxy } from '../plan.ts';
import { createTsEngine } from '../ts-engine.ts';

const engine = createTsEngine();
const raw = { scale: 1 } as const; // tensor values in pixel units: easy to compute by hand

function frameOf(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { data, width, height, format: 'rgb24' };
}

/** Channel c of an NCHW tensor as rows of numbers. */
function plane(data: Float32Array, c: number, w: number, h: number): number[][] {
  return Array.from({ length: h }, (_, y) => Array.from(data.subarray(c * w * h + y * w, c * w * h + (y + 1) * w)));
}

describe('frameToTensor reference', () => {
  it('keeps a constant image constant at any size, stretched or letterboxed', () => {
    const data = new Uint8Array(7 * 5 * 4).fill(77);
    const frame: Frame = { data, width: 7, height: 5, format: 'rgba' };
    for (const [w, h, letterbox] of [[1, 1, false], [13, 3, false], [64, 64, true], [3, 17, true]] as const) {
      const t = engine.frameToTensorSync(frame, { width: w, height: h, letterbox, padValue: 77, ...raw });
      assert.ok(t.data.every((v) => v === 77), `${w}x${h} letterbox=${letterbox}`);
    }
  });

  it('upsamples 2x2 to 4x4 with half-pixel bilinear weights (computed by hand)', () => {
    const src = [[0, 100], [200, 40]];
    const frame = frameOf(2, 2, (x, y) => [src[y]![x]!, 255 - src[y]![x]!, 9]);
    const t = engine.frameToTensorSync(frame, { width: 4, height: 4, ...raw });
    // Output x maps to source x = (x + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    const expected = [
      [0, 25, 75, 100],
      [50, 58.75, 76.25, 85],
      [150, 126.25, 78.75, 55],
      [200, 160, 80, 40],
    ];
    assert.deepEqual(plane(t.data, 0, 4, 4), expected);
    assert.deepEqual(plane(t.data, 1, 4, 4), expected.map((row) => row.map((v) => 255 - v)));
    assert.deepEqual(plane(t.data, 2, 4, 4), expected.map((row) => row.map(() => 9)));
    const nhwc = engine.frameToTensorSync(frame, { width: 4, height: 4, layout: 'nhwc', ...raw });
    assert.deepEqual(Array.from(nhwc.data.subarray(0, 6)), [0, 255, 9, 25, 230, 9]);
    assert.deepEqual(nhwc.shape, [1, 4, 4, 3]);
  });

  it('downsamples 4x2 to 2x1 by averaging each 2x2 block (taps fall on pixel corners)', () => {
    const frame = frameOf(4, 2, (x, y) => [x * 10 + y * 100, 0, 0]);
    const t = engine.frameToTensorSync(frame, { width: 2, height: 1, ...raw });
    // Source coords (0.5, 0.5) and (2.5, 0.5): means of {0,10,100,110} and {20,30,120,130}.
    assert.deepEqual(Array.from(t.data.subarray(0, 2)), [55, 75]);
  });

  it('letterboxes a landscape frame with rows of padding above and below', () => {
    const frame = frameOf(4, 2, () => [10, 20, 30]);
    const t = engine.frameToTensorSync(frame, { width: 8, height: 8, letterbox: true, padValue: 114, ...raw });
    assert.deepEqual([t.scaleX, t.scaleY, t.offsetX, t.offsetY], [2, 2, 0, 2]);
    const red = plane(t.data, 0, 8, 8);
    for (const y of [0, 1, 6, 7]) assert.ok(red[y]!.every((v) => v === 114), `row ${y} is padding`);
    for (const y of [2, 3, 4, 5]) assert.ok(red[y]!.every((v) => v === 10), `row ${y} is image`);
  });

  it('letterboxes a portrait frame with columns of padding left and right', () => {
    const frame = frameOf(2, 4, () => [10, 20, 30]);
    const t = engine.frameToTensorSync(frame, { width: 8, height: 8, letterbox: true, padValue: 0, ...raw });
    assert.deepEqual([t.scaleX, t.scaleY, t.offsetX, t.offsetY], [2, 2, 2, 0]);
    const blue = plane(t.data, 2, 8, 8);
    for (const row of blue) assert.deepEqual(row, [0, 0, 30, 30, 30, 30, 0, 0]);
  });

  it('computes the 1080p -> 512 letterbox geometry and maps boxes back', () => {
    assert.deepEqual(frameGeometry(1920, 1080, 512, 512, true), { padX: 0, padY: 112, contentWidth: 512, contentHeight: 288 });
    assert.deepEqual(frameGeometry(3, 1, 4, 4, true), { padX: 0, padY: 1, contentWidth: 4, contentHeight: 1 });
    const boxes = new Float32Array([0, 112, 512, 400, 256, 256, 256, 256]);
    tensorToImageXyxy(boxes, { scaleX: 512 / 1920, scaleY: 288 / 1080, offsetX: 0, offsetY: 112 });
    assert.deepEqual(Array.from(boxes), [0, 0, 1920, 1080, 960, 540, 960, 540]);
  });

  it('normalises with per-channel mean and std after scaling by 1/255', () => {
    const frame = frameOf(1, 1, () => [255, 0, 51]);
    const t = engine.frameToTensorSync(frame, { width: 1, height: 1, mean: [0.5, 0.25, 0.2], std: [0.5, 0.25, 0.1] });
    assert.deepEqual(Array.from(t.data), [1, -1, 0]);
  });

  it('rejects an empty frame and a buffer shorter than the frame', () => {
    assert.throws(() => engine.frameToTensorSync({ data: new Uint8Array(0), width: 0, height: 3, format: 'rgb24' }, { width: 2, height: 2 }), RangeError);
    assert.throws(() => engine.frameToTensorSync({ data: new Uint8Array(8), width: 2, height: 2, format: 'rgba' }, { width: 2, height: 2 }), /needs 16/);
  });
});
