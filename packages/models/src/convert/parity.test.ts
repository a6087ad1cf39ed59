// Each converted model in onnxruntime against the original TFJS graph in tfjs (wasm backend) on
// the same real image input. Tolerances are per model: float32 kernels differ in summation order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { onnxRuntimeCpu } from '../backend/onnxruntime-cpu.backend.ts';
import { packageDir, sourceModelPath, weightsMissing } from '../registry/model-cache.ts';
import { modelCard } from '../registry/model-cards.ts';
import { readTfjsGraphModel } from './tfjs-model.ts';
import { convertTfjsToOnnx } from './tfjs-to-onnx.ts';
import { initTfjs, loadTfjsGraphModel, runTfjs } from './tfjs-reference.fixture.ts';

const samples = `${packageDir('@vladmandic/human')}/assets/samples.jpg`;

interface ParityCase {
  model: string;
  outputs: string[];
  /** Crop of samples.jpg fed to the model: [x, y, w, h]. */
  crop: [number, number, number, number];
  /** Largest allowed |onnx - tfjs| over every output element, relative to the output's largest magnitude. */
  relTolerance: number;
  /** NCHW input (NanoDet's graph, exported through ONNX, takes [1, 3, h, w]); default NHWC. */
  nchw?: boolean;
}

const cases: ParityCase[] = [
  // The whole photo squeezed to 512x512: a crowd, many peaks.
  { model: 'centernet', outputs: ['tower_0/keypoints', 'tower_0/wh', 'tower_0/detections'], crop: [0, 0, 1280, 1158], relTolerance: 1e-4 },
  // A face from the top row of thumbnails.
  { model: 'faceres', outputs: ['gender_pred/Sigmoid', 'age_pred/Softmax', 'global_pooling/Mean'], crop: [410, 20, 110, 110], relTolerance: 1e-4 },
  { model: 'emotion', outputs: ['Identity'], crop: [410, 20, 110, 110], relTolerance: 1e-4 },
  { model: 'blazeface', outputs: ['Identity', 'Identity_2', 'Identity_1', 'Identity_3'], crop: [330, 0, 200, 200], relTolerance: 1e-4 },
  // Fetched weights (skipped without them); BGR-normalised values as its detector feeds them.
  { model: 'nanodet', outputs: ['Identity', 'Identity_3', 'Identity_1', 'Identity_4', 'Identity_2', 'Identity_5'], crop: [0, 0, 640, 580], relTolerance: 1e-4, nchw: true },
];


/** NHWC RGB 0..255 -> NCHW BGR (mean/std of the card) for NanoDet. */
function toNchwBgr(nhwc: Float32Array, h: number, w: number, mean: readonly number[], std: readonly number[]): Float32Array {
  const out = new Float32Array(nhwc.length);
  for (let c = 0; c < 3; c++) for (let p = 0; p < h * w; p++) out[c * h * w + p] = (nhwc[p * 3 + (2 - c)]! - mean[c]!) / std[c]!;
  return out;
}

function toInput(rgb: Uint8Array, channels: number, range: string): Float32Array {
  const pixels = rgb.length / 3;
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) {
      const v = channels === 1 ? (rgb[p * 3]! + rgb[p * 3 + 1]! + rgb[p * 3 + 2]!) / 3 : rgb[p * 3 + c]!;
      out[p * channels + c] = range === '0..255' ? v : range === '0..1' ? v / 255 : v / 127.5 - 1;
    }
  }
  return out;
}

test('converted models match TFJS on real images', { timeout: 180_000 }, async (t) => {
  const tfBackend = await initTfjs();
  t.diagnostic(`tfjs reference backend: ${tfBackend}`);
  for (const c of cases) {
    const skip = weightsMissing(c.model);
    await t.test(c.model, { skip }, async () => {
      const card = modelCard(c.model);
      const [h, w] = card.input.size;
      const img = await decodeImageRgb(samples, { crop: c.crop, size: [w, h] });
      const rgb = toInput(img.data, card.input.channels, card.input.range);
      const input = c.nchw ? toNchwBgr(rgb, h, w, card.detector!.input.mean, card.detector!.input.std) : rgb;
      const shape = c.nchw ? [1, card.input.channels, h, w] : [1, h, w, card.input.channels];

      const path = sourceModelPath(card);
      const converted = convertTfjsToOnnx(readTfjsGraphModel(path), { outputs: c.outputs });
      const session = await onnxRuntimeCpu.createSession(converted.onnx, { threads: 2 });
      const ort = await session.run({ [session.inputNames[0]!]: { type: 'float32', dims: shape, data: input } });
      await session.release();
      const reference = await runTfjs(await loadTfjsGraphModel(path), input, shape, c.outputs);

      c.outputs.forEach((name, k) => {
        const cardShape = card.outputs.find((o) => o.name === name)?.shape;
        if (cardShape) assert.deepEqual([...ort[name]!.dims], [...cardShape], `${name}: shape differs from the model card`);
        const a = ort[name]!.data as Float32Array;
        const b = reference[k]!;
        assert.equal(a.length, b.length, `${name}: ${a.length} values from onnxruntime, ${b.length} from tfjs`);
        let scale = 0;
        let maxDiff = 0;
        for (let i = 0; i < a.length; i++) {
          scale = Math.max(scale, Math.abs(b[i]!));
          maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        }
        assert.ok(scale > 0, `${name}: the reference output is all zeros, the input did not exercise the model`);
        t.diagnostic(`${c.model} ${name}: max |diff| ${maxDiff.toExponential(2)} (output magnitude ${scale.toPrecision(3)}, relative ${(maxDiff / scale).toExponential(2)})`);
        assert.ok(maxDiff <= c.relTolerance * scale, `${name}: max |onnx - tfjs| = ${maxDiff} exceeds ${c.relTolerance} x ${scale}`);
      });
    });
  }
});
