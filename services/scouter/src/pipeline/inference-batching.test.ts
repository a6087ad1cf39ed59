// Batching across cameras in the inference thread, on the CPU with real CenterNet and real frames
// (windows of @vladmandic/human's samples.jpg, decoded by ffmpeg, moving a little each frame like a
// camera's view of a crowd): with SIGHTLINE_BATCH=on, three cameras' frames share network passes
// and get the detections single passes give; a lone camera's frame goes alone; frames of two
// input shapes never share a pass; frames that embed their boxes for the appearance cue batch with
// those that do not, each with its own map's embeddings; a failed pass answers every frame in it; by default the CPU
// runs single passes. The CUDA policy is picked by the backend selection with a fake "device
// present" probe; the network it gathers for still runs on the CPU.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { decodeImageRgb } from '@sightline/media';
import { cudaGraphAvailable } from '@sightline/native';
import { CenterNetDetector, embedBoxes, ensureOnnxModel, selectBackend, type BatchInput } from '@sightline/models';
import type { Detections, VideoFrame } from '@sightline/vision';
import { samplesJpg } from '../../test-support/clip-fixture.ts';
import { batchingFor, FrameBatcher, GATHER } from './frame-batcher.ts';
import { InferenceThread } from './inference-thread.ts';

const FRAMES = 4;
// Three cameras on the crowd part of the photo (y 380..1158), each window 480x360 (4:3).
const cameras = [
  { key: 'cam-a', x: 0, y: 420 },
  { key: 'cam-b', x: 400, y: 520 },
  { key: 'cam-c', x: 780, y: 700 },
];
const options = { model: 'centernet', scoreThreshold: 0.3, threads: 2, classIds: [0] };

let thread: InferenceThread;
let reference: CenterNetDetector;
const frames = new Map<string, VideoFrame[]>();

async function frameAt(x: number, y: number, width: number, height: number, index: number): Promise<VideoFrame> {
  const rgb = await decodeImageRgb(samplesJpg, { crop: [x + 6 * index, y, width, height] });
  return { ...rgb, format: 'rgb24', index, ptsMs: index * 100 } as VideoFrame;
}

before(async () => {
  const saved = process.env.SIGHTLINE_BATCH;
  process.env.SIGHTLINE_BATCH = 'on';
  // The thread takes its environment when it starts.
  thread = new InferenceThread();
  if (saved === undefined) delete process.env.SIGHTLINE_BATCH;
  else process.env.SIGHTLINE_BATCH = saved;
  for (const c of cameras) await thread.loadDetector(c.key, options);
  reference = await CenterNetDetector.create({ scoreThreshold: 0.3, classIds: [0], threads: 2 });
  for (const c of cameras) frames.set(c.key, await Promise.all(Array.from({ length: FRAMES }, (_, i) => frameAt(c.x, c.y, 480, 360, i))));
});
after(async () => {
  await thread.close();
  await reference.release();
});

function copy(frame: VideoFrame): VideoFrame {
  return { ...frame, data: frame.data.slice() };
}

/** Same boxes in the same order within float tolerance (box 0.01 px, score 1e-4). */
function assertSame(got: Detections, want: Detections, what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} boxes vs ${want.length} from a single pass`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got.confidence[i]! - want.confidence[i]!) <= 1e-4, `${what} box ${i}: score ${got.confidence[i]} vs ${want.confidence[i]}`);
    got.box(i).forEach((v, k) => assert.ok(Math.abs(v - want.box(i)[k]!) <= 0.01, `${what} box ${i}: ${got.box(i)} vs ${want.box(i)}`));
  }
}

test('three cameras\' frames share passes and each gets the detections of its own single pass', async () => {
  const runsBefore = (await thread.runs()).centernet ?? 0;
  let people = 0;
  for (let i = 0; i < FRAMES; i++) {
    // The three cameras' frame i arrives together, as from three 10 fps streams.
    const answers = await Promise.all(cameras.map((c) => thread.detect(c.key, copy(frames.get(c.key)![i]!))));
    for (const [j, c] of cameras.entries()) {
      const sent = frames.get(c.key)![i]!;
      assert.deepEqual(answers[j]!.frame.data, sent.data, 'the frame comes back untouched');
      const single = await reference.detect(sent);
      people += single.length;
      assertSame(answers[j]!.detections, single, `${c.key} frame ${i}`);
    }
  }
  assert.ok(people >= 2 * FRAMES, `the windows show people: ${people} boxes in ${3 * FRAMES} frames`);
  const passes = ((await thread.runs()).centernet ?? 0) - runsBefore;
  assert.ok(passes < 3 * FRAMES, `${passes} network passes for ${3 * FRAMES} frames`);
  const stats = (await thread.batches()).centernet!;
  assert.equal(stats.maxBatch, GATHER.maxBatch);
  assert.ok(Object.keys(stats.passesBySize).some((n) => Number(n) >= 2), `batches: ${JSON.stringify(stats.passesBySize)}`);
});

test('with the appearance cue, gathered frames get the boxes of a plain pass and the embeddings of their own map', async () => {
  const i = 1;
  // Cameras a and b embed (their map at their own 480x352 shape), c does not: all three share passes.
  const answers = await Promise.all(cameras.map((c, j) => thread.detect(c.key, copy(frames.get(c.key)![i]!), { embed: j < 2 })));
  for (const [j, c] of cameras.entries()) {
    const sent = frames.get(c.key)![i]!;
    assertSame(answers[j]!.detections, await reference.detect(sent), `${c.key} frame ${i}`);
    const got = answers[j]!.detections.data.embedding as Float32Array[] | undefined;
    if (j === 2) {
      assert.equal(got, undefined, `${c.key} asked for no embeddings`);
      continue;
    }
    const { detections, features, mapping } = await reference.detectWithFeatures(sent, { at: 'source' });
    const want = embedBoxes(features, detections.xyxy, mapping);
    assert.equal(got?.length, want.length, `${c.key}: one embedding per box`);
    want.forEach((e, b) => e.forEach((v, k) => assert.ok(Math.abs(got![b]![k]! - v) <= 1e-3 * (1 + Math.abs(v)), `${c.key} box ${b} value ${k}: ${got![b]![k]} vs ${v}`)));
  }
});

test('a lone camera\'s frame is not held for company: it goes alone once the wait ends', async () => {
  const before = (await thread.batches()).centernet!.passesBySize[1] ?? 0;
  const frame = frames.get('cam-a')![0]!;
  const { detections } = await thread.detect('cam-a', copy(frame));
  assertSame(detections, await reference.detect(frame), 'lone frame');
  assert.equal((await thread.batches()).centernet!.passesBySize[1], before + 1, 'one pass of one frame');
});

test('frames of two input shapes never share a pass; a camera with other filters shares the network', async () => {
  // A 16:9 camera runs at 640x384, the 4:3 ones at 512x384; the wide one keeps boxes from 0.5.
  await thread.loadDetector('cam-wide', { ...options, scoreThreshold: 0.5 });
  const wide = await frameAt(0, 600, 640, 360, 0);
  const wideRef = reference.withFilters({ scoreThreshold: 0.5, classIds: [0] });
  assert.notDeepEqual(reference.passShape(wide), reference.passShape(frames.get('cam-a')![0]!));
  const runsBefore = (await thread.runs()).centernet ?? 0;
  const sizesBefore = (await thread.batches()).centernet!.passesBySize;
  const sent = [
    ['cam-a', frames.get('cam-a')![1]!],
    ['cam-wide', wide],
    ['cam-b', frames.get('cam-b')![1]!],
  ] as const;
  const answers = await Promise.all(sent.map(([key, f]) => thread.detect(key, copy(f))));
  assertSame(answers[1]!.detections, await wideRef.detect(wide), 'wide camera');
  assertSame(answers[0]!.detections, await reference.detect(sent[0][1]), 'cam-a');
  assertSame(answers[2]!.detections, await reference.detect(sent[2][1]), 'cam-b');
  // A pass of mixed shapes would have failed every frame in it (runBatch refuses one): the answers
  // above are right, and the three frames took at least one pass per shape. How the 4:3 frames
  // went (together, or apart when one came after the wait) depends on the machine's load.
  const passes = ((await thread.runs()).centernet ?? 0) - runsBefore;
  assert.ok(passes >= 2 && passes <= 3, `${passes} passes for 3 frames of 2 shapes`);
  const sizes = (await thread.batches()).centernet!.passesBySize;
  const added = (n: number) => (sizes[n] ?? 0) - (sizesBefore[n] ?? 0);
  assert.equal(added(1) + 2 * added(2) + 3 * added(3), 3, `every frame in exactly one pass: ${JSON.stringify(sizes)}`);
  assert.equal(added(3), 0, 'no pass took all three');
});

test('the CUDA policy follows the backend selection: a fake device probe picks the native engine and gathering, on a network that runs on the CPU', async () => {
  const onnx = readFileSync(await ensureOnnxModel('centernet', { inputSize: [384, 512] }));
  const device = () => ({ ok: true, reason: 'CUDA device 0 (a fake probe)' });
  const none = () => ({ ok: false, reason: 'no CUDA device' });
  const withDevice = selectBackend('centernet', onnx, { choice: 'auto', gpu: device });
  assert.deepEqual(withDevice, { backend: 'native-cuda', reason: 'CUDA device 0 (a fake probe)' });
  assert.deepEqual(batchingFor(withDevice.backend), GATHER);
  assert.equal(batchingFor(withDevice.backend, 'off').maxBatch, 1, 'SIGHTLINE_BATCH=off wins');
  const cpu = selectBackend('centernet', onnx, { choice: 'auto', gpu: none });
  assert.equal(cpu.backend, 'onnxruntime-cpu');
  assert.equal(batchingFor(cpu.backend).maxBatch, 1, 'the CPU runs single passes unless forced');
  // A model the native planner cannot take falls back even with a device, and does not gather.
  const face = selectBackend('blazeface', readFileSync(await ensureOnnxModel('blazeface')), { choice: 'auto', gpu: device });
  assert.equal(face.backend, 'onnxruntime-cpu');
  assert.match(face.reason, /cannot plan blazeface .*fell back/);

  // The policy the selection gave, on the real network running on the CPU.
  const batcher = new FrameBatcher(batchingFor(withDevice.backend), async (fs: VideoFrame[]) => (await reference.detectBatch(fs)).map((r) => r.detections));
  const three = cameras.map((c) => frames.get(c.key)![2]!);
  const got = await Promise.all(three.map((f) => batcher.push(f)));
  assert.deepEqual(batcher.batchSizes, [3], 'the three cameras went in one pass');
  for (const [i, f] of three.entries()) assertSame(got[i]!, await reference.detect(f), `frame ${i}`);
});

test('a failed batched pass answers every frame waiting in it with the error, and the next batch runs', async () => {
  const batcher = new FrameBatcher(GATHER, (inputs: BatchInput[]) => reference.runBatch(inputs));
  const three = cameras.map((c) => frames.get(c.key)![3]!);
  const inputs = await Promise.all(three.map((f) => reference.prepareForBatch(f)));
  // Frames claiming an input shape the network cannot take (not multiples of 32): opening the
  // batched sessions for it fails inside the pass.
  const unplannable = inputs.map((x) => ({ ...x, shape: [100, 100] as const }));
  const failed = unplannable.map((x) => batcher.push(x));
  for (const p of failed) await assert.rejects(p, /multiples of 32/);
  const outs = await Promise.all(inputs.map((x) => batcher.push(x)));
  for (const [i, f] of three.entries()) assertSame(reference.decode(outs[i]!.raw, f, inputs[i]!.mapping), await reference.detect(f), `after the failure, frame ${i}`);
  assert.deepEqual(batcher.batchSizes, [3, 3]);
});

test('by default (SIGHTLINE_BATCH=auto) a network on the CPU runs single passes: no gatherer, one pass per frame', { skip: cudaGraphAvailable().ok && 'a CUDA device is present: auto gathers there' }, async () => {
  const saved = process.env.SIGHTLINE_BATCH;
  delete process.env.SIGHTLINE_BATCH;
  const plain = new InferenceThread();
  if (saved !== undefined) process.env.SIGHTLINE_BATCH = saved;
  try {
    for (const c of cameras) await plain.loadDetector(c.key, options);
    assert.equal((await plain.backends()).find((m) => m.model === 'centernet')?.backend, 'onnxruntime-cpu');
    const sent = cameras.map((c) => frames.get(c.key)![0]!);
    const answers = await Promise.all(cameras.map((c, i) => plain.detect(c.key, copy(sent[i]!))));
    for (const [i, a] of answers.entries()) assertSame(a.detections, await reference.detect(sent[i]!), `single pass ${i}`);
    assert.deepEqual(await plain.batches(), {});
    assert.equal((await plain.runs()).centernet, cameras.length);
  } finally {
    await plain.close();
  }
});
