// The native backend behind the models' Backend interface, against onnxruntime on the converted
// CenterNet (CPU emulation of the CUDA kernels; ~10 s on 2 cores).
import assert from 'node:assert/strict';
import { it } from 'node:test';
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
