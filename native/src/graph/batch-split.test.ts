// Batched runs with a per-frame decode tail, in the CPU emulation: N = 2 frames through the
// batched body and the per-frame tail give the bits of two N = 1 runs of the whole graph, on
// the small CenterNet-like case (peaks, flattened TopK, gather) and on the converted CenterNet.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ensureOnnxModel } from '@sightline/models';
import { findBatchCut } from './batch-split.ts';
import { loadBatched } from './batched-graph.ts';
import { centernetImage } from './centernet-input.fixture.ts';
import { graphCases, randomFloats } from './graph-cases.fixture.ts';
import { loadGraph } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';

async function checkAgainstSingles(onnx: Uint8Array, frames: Float32Array[], partial = true): Promise<string[]> {
  const batched = loadBatched(onnx, { batch: 2, device: 'emulated' });
  const perFrame = await batched.run(frames);
  const single = loadGraph(planGraph(onnx), 'emulated');
  for (const [i, f] of frames.entries()) assert.deepEqual(perFrame[i], single.runSync([f]), `frame ${i}`);
  // A partial batch (1 of 2 frames) is padded and gives the same result.
  if (partial) assert.deepEqual((await batched.run([frames[1]!]))[0], single.runSync([frames[1]!]));
  return [...batched.cut];
}

describe('batched body + per-frame decode tail', () => {
  it('small decode graph: N=2 equals two N=1 runs', async () => {
    const c = graphCases().find((x) => x.name.startsWith('maxpool peaks'))!;
    const feed = Object.values(c.feeds)[0]!;
    const cut = await checkAgainstSingles(c.onnx, [feed.data, randomFloats(feed.data.length, 99, 0, 1)]);
    assert.ok(cut.length >= 2, `cut: ${cut.join(', ')}`);
    assert.throws(() => planGraph(c.onnx, { batch: 2 }), /mixes the batch dimension/);
  });

  it('a graph that keeps frames apart has no cut', () => {
    const c = graphCases()[0]!;
    assert.deepEqual(findBatchCut(c.onnx), []);
  });

  it('CenterNet: N=2 equals two N=1 runs', async (t) => {
    const image = centernetImage();
    if (!('data' in image)) return t.skip(image.skip);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(await ensureOnnxModel('centernet'));
    } catch (err) {
      return t.skip(`centernet ONNX unavailable: ${(err as Error).message}`);
    }
    // The photograph and its mirror image (rows of 512 RGB pixels reversed).
    const mirror = new Float32Array(image.data.length);
    for (let y = 0; y < 512; y++) for (let x = 0; x < 512; x++) mirror.set(image.data.subarray((y * 512 + x) * 3, (y * 512 + x) * 3 + 3), (y * 512 + 511 - x) * 3);
    const cut = await checkAgainstSingles(bytes, [image.data, mirror], false);
    t.diagnostic(`cut between the batched body and the per-frame tail: ${cut.join(', ')}`);
  });
});
