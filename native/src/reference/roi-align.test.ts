// Independent checks of the TypeScript ROI-align: a linear feature map makes bilinear sampling
// exact, so each output is the plane's value at the mean sample position, computed by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMap } from '../engine.ts';
import { createTsEngine } from '../ts-engine.ts';

const engine = createTsEngine();

/** 1 x C x 4 x 4 map with value 10*y + x + 100*c. */
function linearMap(channels: number, layout: 'nchw' | 'nhwc'): FeatureMap {
  const data = new Float32Array(channels * 16);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) data[layout === 'nchw' ? c * 16 + y * 4 + x : (y * 4 + x) * channels + c] = 10 * y + x + 100 * c;
    }
  }
  return { data, shape: layout === 'nchw' ? [1, channels, 4, 4] : [1, 4, 4, channels], layout };
}

describe('roiAlign reference', () => {
  it('averages 2x2 samples per bin (aligned=true, box over the whole map)', () => {
    // Box [0,0,4,4] shifted by -0.5: bins of 2 px, samples at -0.5 + {0.5, 1.5} (+2 for the second bin).
    const r = engine.roiAlignSync(linearMap(1, 'nchw'), new Float32Array([0, 0, 4, 4]), { outputSize: 2, samplingRatio: 2 });
    assert.deepEqual(Array.from(r.data), [5.5, 7.5, 25.5, 27.5]);
    assert.deepEqual(r.shape, [1, 1, 2, 2]);
  });

  it('scales image-coordinate boxes by spatialScale', () => {
    const r = engine.roiAlignSync(linearMap(1, 'nchw'), new Float32Array([0, 0, 16, 16]), { outputSize: 2, samplingRatio: 2, spatialScale: 0.25 });
    assert.deepEqual(Array.from(r.data), [5.5, 7.5, 25.5, 27.5]);
  });

  it('samples at 0.5 + bin offsets without the half-pixel shift when aligned=false', () => {
    const r = engine.roiAlignSync(linearMap(1, 'nchw'), new Float32Array([0, 0, 4, 4]), { outputSize: 2, samplingRatio: 2, aligned: false });
    // Samples at {0.5, 1.5} and {2.5, 3.5}: the last ones clamp to 3, so bin 2 averages 2.5 and 3 -> 2.75.
    assert.deepEqual(Array.from(r.data), [11, 12.75, 28.5, 30.25]);
  });

  it('counts samples outside the map as zeros (box over the top-left corner)', () => {
    const ones: FeatureMap = { data: new Float32Array(16).fill(1), shape: [1, 1, 4, 4], layout: 'nchw' };
    // Box [-3,-3,1,1] -> start -3.5, one 4 px bin, samples at -2.5 and -0.5 per axis: only (-0.5, -0.5) is inside.
    const r = engine.roiAlignSync(ones, new Float32Array([-3, -3, 1, 1]), { outputSize: 1, samplingRatio: 2 });
    assert.deepEqual(Array.from(r.data), [0.25]);
    const outside = engine.roiAlignSync(ones, new Float32Array([10, 10, 12, 12]), { outputSize: 2 });
    assert.deepEqual(Array.from(outside.data), [0, 0, 0, 0]);
  });

  it('gives NHWC crops that are the NCHW crops transposed, for every channel', () => {
    const boxes = new Float32Array([0.3, 0.7, 3.1, 2.9, -1, 1, 2, 5]);
    const a = engine.roiAlignSync(linearMap(3, 'nchw'), boxes, { outputSize: [2, 3] });
    const b = engine.roiAlignSync(linearMap(3, 'nhwc'), boxes, { outputSize: [2, 3] });
    assert.deepEqual(b.shape, [2, 2, 3, 3]);
    for (let k = 0; k < 2; k++) {
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < 6; p++) assert.equal(b.data[(k * 6 + p) * 3 + c], a.data[(k * 3 + c) * 6 + p]);
      }
    }
    // Channel c is channel 0 plus 100 (the map is linear across channels too).
    assert.ok(Math.abs(a.data[6]! - a.data[0]! - 100) < 1e-4);
  });

  it('returns an empty result for no boxes and picks the batch item per box', () => {
    const map: FeatureMap = { data: new Float32Array(32).map((_, i) => (i < 16 ? 1 : 2)), shape: [2, 1, 4, 4], layout: 'nchw' };
    assert.deepEqual(engine.roiAlignSync(map, new Float32Array(0), { outputSize: 7 }).shape, [0, 1, 7, 7]);
    const r = engine.roiAlignSync(map, new Float32Array([0, 0, 2, 2, 0, 0, 2, 2]), { outputSize: 1, batchIndices: new Int32Array([1, 0]) });
    assert.deepEqual(Array.from(r.data), [2, 1]);
  });
});
