// The native backend behind the models' Backend interface, against onnxruntime on the converted
// CenterNet (CPU emulation of the CUDA kernels; ~10 s on 2 cores).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { addGraphOutput } from '@sightline/native';
import { ensureOnnxModel } from '../registry/model-cache.ts';
import { nativeCuda } from './native-cuda.backend.ts';
import { onnxRuntimeCpu } from './onnxruntime-cpu.backend.ts';

it('native backend matches onnxruntime on a converted model', async (t) => {
  let path: string;
  try {
    path = await ensureOnnxModel('centernet');
  } catch (err) {
    return t.skip(`model unavailable: ${(err as Error).message}`);
  }
  const backend = nativeCuda({ emulate: true });
  assert.equal(backend.name, 'native-cuda-emulated');
  const session = await backend.createSession(path);
  assert.deepEqual(session.inputNames, ['tower_0/images']);
  const data = new Float32Array(512 * 512 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const feeds = { 'tower_0/images': { type: 'float32' as const, dims: [1, 512, 512, 3], data } };
  const ours = (await session.run(feeds))['tower_0/detections']!.data as Float32Array;
  const ort = await onnxRuntimeCpu.createSession(path, { threads: 2 });
  const ref = (await ort.run(feeds))['tower_0/detections']!.data as Float32Array;
  await ort.release();
  let max = 0;
  for (let i = 0; i < 20 * 6; i++) max = Math.max(max, Math.abs(ours[i]! - ref[i]!));
  assert.ok(max < 0.01, `max diff over the top 20 detections ${max}`);
});

it('a run fetching fewer outputs runs a plan for those alone, with the same values', async (t) => {
  let path: string;
  try {
    path = await ensureOnnxModel('centernet');
  } catch (err) {
    return t.skip(`model unavailable: ${(err as Error).message}`);
  }
  // CenterNet with its feature map added as a second output, as CenterNetDetector loads it.
  const bytes = addGraphOutput(readFileSync(path), { name: 'tower_0/CenternetHead/mul', type: 'float32', dims: [1, 128, 128, 128] });
  const session = await nativeCuda({ emulate: true }).createSession(bytes);
  assert.deepEqual(session.outputNames, ['tower_0/detections', 'tower_0/CenternetHead/mul']);
  const data = new Float32Array(512 * 512 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const feeds = { 'tower_0/images': { type: 'float32' as const, dims: [1, 512, 512, 3], data } };
  const both = await session.run(feeds);
  assert.deepEqual(both['tower_0/CenternetHead/mul']!.dims, [1, 128, 128, 128]);
  const boxes = await session.run(feeds, ['tower_0/detections']);
  assert.deepEqual(Object.keys(boxes), ['tower_0/detections']);
  assert.deepEqual(Array.from(boxes['tower_0/detections']!.data as Float32Array), Array.from(both['tower_0/detections']!.data as Float32Array));
});
