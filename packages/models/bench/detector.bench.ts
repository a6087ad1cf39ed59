// CenterNet detector: (1) throughput on PETS09-S2L1 (480x360): the whole path (ffmpeg decode +
// letterbox + network + decoding + NMS) beside the network alone on the same frames, in one run;
// (2) person detection quality on the real MOT17 frames of mot17-mini: precision and recall at the
// default score threshold and AP at IoU 0.5, pedestrians with visibility >= 0.25 (other people,
// less visible ones and MOT17's distractor classes are ignore regions). Reads ../shared/data
// (or SIGHTLINE_EVAL_DATA); says so and skips a part when it is absent.
// Run: node --import tsx packages/models/bench/detector.bench.ts [frames]
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getEngine, type Frame } from '@sightline/native';
import { decodeImageRgb, decodeVideoFrames, probeVideoStream } from '@sightline/media';
import type { VideoFrame } from '@sightline/vision';
import { CenterNetDetector, createDetector, detectTiled, MissingWeightsError, scoreDetections, type EvalFrame, type ObjectDetector } from '../src/index.ts';
import { mot17Images } from './mot17-mini.fixture.ts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const data = process.env.SIGHTLINE_EVAL_DATA ?? join(repoRoot, '..', 'shared', 'data');
const FRAMES = Number(process.argv[2] ?? 200);
const threads = Number(process.env.SIGHTLINE_INFERENCE_THREADS) || availableParallelism();

console.log(`detector bench: centernet (input shaped to each frame: 512x384 for 4:3, 640x384 for 16:9, a smaller source at its own size), onnxruntime CPU ${threads} threads, native kernels: ${getEngine().backendName}`);

async function throughput(): Promise<void> {
  const video = join(data, 'video', 'pets09-s2l1.avi');
  if (!existsSync(video)) {
    console.log(`throughput: skipped, ${video} not found (set SIGHTLINE_EVAL_DATA)`);
    return;
  }
  const detector = await CenterNetDetector.create({ classIds: [0] });
  const pipelined = await CenterNetDetector.create({ classIds: [0] });
  const info = await probeVideoStream(video);
  // Load from other processes comes and goes, so the measurements alternate: blocks of BLOCK
  // frames frame by frame (whole path, then the network alone on the same input, per frame) and
  // blocks of the pipelined path (detectStream, as the CLI runs it: the letterbox of frame k+1
  // runs during the network pass of frame k), each mode reading its own continuous decode stream.
  const BLOCK = 20;
  const byFrame = decodeVideoFrames(video, { info, maxFrames: FRAMES + 1 });
  const piped = pipelined.detectStream(decodeVideoFrames(video, { info, maxFrames: FRAMES + 1 }));
  // Warm-up: the first frame of each mode is not counted.
  await detector.detect((await byFrame.next()).value as VideoFrame);
  await piped.next();
  let decodeMs = 0;
  let prepareMs = 0;
  let detectMs = 0;
  let networkMs = 0;
  let pipelinedTotal = 0;
  let boxes = 0;
  let n = 0;
  let pipelinedFrames = 0;
  for (let done = false; !done; ) {
    for (let k = 0; k < BLOCK; k++) {
      const t0 = performance.now();
      const next = await byFrame.next();
      if (next.done) {
        done = true;
        break;
      }
      const frame: VideoFrame = next.value;
      const t1 = performance.now();
      const d = await detector.detect(frame);
      const t2 = performance.now();
      const { input, shape } = detector.prepareInput(frame);
      const t3 = performance.now();
      await detector.runNetwork(input, shape);
      const t4 = performance.now();
      decodeMs += t1 - t0;
      detectMs += t2 - t1;
      prepareMs += t3 - t2;
      networkMs += t4 - t3;
      boxes += d.length;
      n++;
    }
    const t0 = performance.now();
    let k = 0;
    for (; k < BLOCK && !(await piped.next()).done; k++) pipelinedFrames++;
    pipelinedTotal += performance.now() - t0;
    if (k < BLOCK) done = true;
  }
  await Promise.all([detector.release(), pipelined.release()]);
  [decodeMs, prepareMs, detectMs, networkMs] = [decodeMs / n, prepareMs / n, detectMs / n, networkMs / n];
  const wholeMs = decodeMs + detectMs;
  const pipelinedMs = pipelinedTotal / pipelinedFrames;

  console.log(`\nthroughput on pets09-s2l1.avi (${info.width}x${info.height}), ${n} frames`);
  console.log('  stage                         ms/frame   frames/s   x network');
  const row = (name: string, ms: number): void => console.log(`  ${name.padEnd(28)} ${ms.toFixed(2).padStart(9)} ${(1000 / ms).toFixed(1).padStart(10)} ${(ms / networkMs).toFixed(3).padStart(11)}`);
  row('decode wait (ffmpeg pipe)', decodeMs);
  row('letterbox (native)', prepareMs);
  row('network alone', networkMs);
  row('whole path, frame by frame', wholeMs);
  row('whole path, pipelined', pipelinedMs);
  console.log(`  pipelined whole path / network alone: ${(pipelinedMs / networkMs).toFixed(3)} (goal <= 1.15); ${(1000 / pipelinedMs).toFixed(1)} frames/s (goal >= 15); ${(boxes / n).toFixed(1)} people/frame`);
  console.log(`  the frame-by-frame and pipelined modes alternate in blocks of ${BLOCK} frames, each on its own decode stream`);
}

async function quality(): Promise<void> {
  const root = join(data, 'mot17-mini', 'train');
  if (!existsSync(root)) {
    console.log(`quality: skipped, ${root} not found (set SIGHTLINE_EVAL_DATA)`);
    return;
  }
  console.log('\nperson detection on mot17-mini (IoU 0.5, visibility >= 0.25; P/R at score >= 0.3, AP over all scores)');
  console.log('  mode                  sequence         frames  gt boxes precision  recall  AP@0.5  ms/frame');
  for (const model of ['centernet', 'nanodet']) {
    let detector: ObjectDetector;
    try {
      detector = await createDetector(model, { classIds: [0], scoreThreshold: 0.01 });
    } catch (err) {
      if (err instanceof MissingWeightsError) {
        console.log(`  ${model}: skipped (${err.message})`);
        continue;
      }
      throw err;
    }
    await qualityOf(root, detector);
    await detector.release();
  }
  console.log('  note: CenterNet keeps its top 100 peaks over all 80 classes per 512x512 input; tiles see 1080p people at 1.8x the scale (NanoDet: 416x416, 2.3x).');
}

async function qualityOf(root: string, detector: ObjectDetector): Promise<void> {
  const modes = [
    { name: `${detector.name} frame`, run: (f: Frame) => detector.detect(f) },
    { name: `${detector.name} + tiles`, run: (f: Frame) => detectTiled(detector, f) },
  ];
  for (const mode of modes) {
    const evalFrames: EvalFrame[] = [];
    let ms = 0;
    const images = mot17Images(root);
    for (const seq of [...new Set(images.map((i) => i.seq))]) {
      const seqFrames: EvalFrame[] = [];
      let seqMs = 0;
      for (const { path, gt } of images.filter((i) => i.seq === seq)) {
        const img = await decodeImageRgb(path);
        const t0 = performance.now();
        const d = await mode.run(img);
        seqMs += performance.now() - t0;
        seqFrames.push({ gt, detections: Array.from({ length: d.length }, (_, i) => ({ xyxy: d.box(i), score: d.confidence[i]! })) });
      }
      ms += seqMs;
      console.log(line(mode.name, seq, seqFrames, seqMs / seqFrames.length));
      evalFrames.push(...seqFrames);
    }
    console.log(line(mode.name, 'all', evalFrames, ms / evalFrames.length));
  }
}

function line(mode: string, seq: string, frames: EvalFrame[], ms: number): string {
  const s = scoreDetections(frames, { scoreThreshold: 0.3 });
  return `  ${mode.padEnd(21)} ${seq.padEnd(16)} ${String(frames.length).padStart(6)} ${String(s.positives).padStart(9)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)} ${s.averagePrecision.toFixed(3).padStart(7)} ${ms.toFixed(1).padStart(9)}`;
}

await throughput();
await quality();
