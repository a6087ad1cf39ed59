// Scouter's one inference path against its parts, measured side by side in one run (the machine
// may be shared: compare the ratios, not the absolute figures):
// 1. the whole detect path (frame transferred to the inference thread, letterbox, network, decode,
//    NMS, detections and frame transferred back; two frames in flight, as a pre-labeling job or two
//    cameras keep) per frame / CenterNet's network pass alone, timed by the thread on the same
//    session in the same run (goal <= 1.05x); also one frame at a time, as a lone camera sends;
//    and one frame at a time with the appearance cue (the map fetched in the same pass, an
//    embedding per box sent back) / without, rounds alternated;
// 2. pre-labeling (the clip's JPEG frames, read from disk here where Hawk's API serves them: one
//    ffmpeg decode of the JPEG stream, the inference thread, ByteTrack) frames/s / `sightline
//    detect` on the same clip frames/s (goal >= 0.9x); and a job as it runs (also the appearance
//    cue's embeddings and camera motion) against the same;
// 3. cameras sustained at 10 fps each with < 1% of frames dropped, for 1, 2, 3... cameras (the
//    production stages: ffmpeg decode, the shared inference thread, ByteTrack), with the detector
//    on every frame (every=1: a busy engine drops frames) and with the default every='auto' (the
//    tracker predicts the frames that waited behind a busy engine), rows of both modes alternated.
// Needs PETS09 S2.L1 (SIGHTLINE_EVAL_DATA/video/pets09-s2l1.avi, 480x360); skips without it.
// SCOUTER_BENCH_SECONDS (default 10) per camera row, SCOUTER_BENCH_MAX_CAMERAS (default 6).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineSpec } from '@sightline/flow';
import { decodeJpegStream, decodeVideoFrames, ffmpegPath, frameFileName, passthroughFrames } from '@sightline/media';
import { centernetInputFor, modelCard } from '@sightline/models';
import { ByteTracker, type VideoFrame } from '@sightline/vision';
import { CameraPipeline } from '../src/pipeline/camera-pipeline.ts';
import { InferenceThread } from '../src/pipeline/inference-thread.ts';
import { createRealStages } from '../src/pipeline/real-stages.ts';
import { detectFrames } from '../src/services/prelabel.service.ts';
import { PrelabelTracker } from '../src/services/prelabel-tracks.ts';
import { petsVideo } from '../test-support/clip-fixture.ts';

if (!existsSync(petsVideo)) {
  console.log(`PETS09 clip not found at ${petsVideo} (set SIGHTLINE_EVAL_DATA): inference-path benchmark skipped.`);
  process.exit(0);
}
const SECONDS = Number(process.env.SCOUTER_BENCH_SECONDS ?? 10);
const MAX_CAMERAS = Number(process.env.SCOUTER_BENCH_MAX_CAMERAS ?? 6);
const THREADS = 2;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? Number.NaN;
const dir = mkdtempSync(join(tmpdir(), 'scouter-inference-path-'));
const ffmpeg = (args: string[]) => {
  const run = spawnSync(ffmpegPath(), ['-v', 'error', '-nostdin', '-y', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
};

try {
  const frames: VideoFrame[] = [];
  for await (const f of decodeVideoFrames(petsVideo, { maxFrames: 40 })) frames.push(f);
  console.log(`Inference path on PETS09 S2.L1 (${frames[0]!.width}x${frames[0]!.height}), ${THREADS} onnxruntime threads; load average at start ${load()}`);

  // 1. Whole path vs network alone, in the same run on the same session: the thread reports each
  // frame's network time (no second copy of the model competing for the cores).
  const thread = new InferenceThread();
  const key = 'bench';
  await thread.loadDetector(key, { model: 'centernet', scoreThreshold: 0.3, threads: THREADS, classIds: [0] });
  const run = async (lanes: number, count: number, embed = false) => {
    const copies = Array.from({ length: count }, (_, i) => {
      const f = frames[i % frames.length]!;
      return { ...f, data: f.data.slice() };
    });
    let networkMs = 0;
    let next = 0;
    const t0 = performance.now();
    const lane = async () => {
      while (next < copies.length) {
        // Read the sum only after the await: lanes add concurrently.
        const answer = await thread.detect(key, copies[next++]!, { embed });
        networkMs += answer.networkMs;
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return { wholeMs: (performance.now() - t0) / count, networkMs: networkMs / count };
  };
  await run(2, 4);
  const shape = centernetInputFor([frames[0]!.width, frames[0]!.height]);
  const piped = await run(2, 60);
  const single = await run(1, 30);
  console.log(`\n1. whole detect path / network alone (CenterNet at ${shape[1]}x${shape[0]}, the network time as the thread measures it on the same session):`);
  console.log(`   two frames in flight (pre-labeling, several cameras): ${piped.wholeMs.toFixed(1)} / ${piped.networkMs.toFixed(1)} ms per frame = ${(piped.wholeMs / piped.networkMs).toFixed(2)}x (goal <= 1.05x)`);
  console.log(`   one frame at a time (a lone camera): ${single.wholeMs.toFixed(1)} / ${single.networkMs.toFixed(1)} ms per frame = ${(single.wholeMs / single.networkMs).toFixed(2)}x`);
  const cue: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < 4; round++) {
    const [first, second] = round % 2 === 0 ? [true, false] : [false, true];
    (first ? cue : plain).push((await run(1, 20, first)).wholeMs);
    (second ? cue : plain).push((await run(1, 20, second)).wholeMs);
  }
  const [cueMs, plainMs] = [cue.reduce((a, b) => a + b) / cue.length, plain.reduce((a, b) => a + b) / plain.length];
  console.log(`   one frame at a time with the appearance cue / without: ${cueMs.toFixed(1)} / ${plainMs.toFixed(1)} ms per frame = ${(cueMs / plainMs).toFixed(2)}x (4 rounds of 20 frames each, alternated)`);

  // 2. Pre-labeling vs `sightline detect`, on the same 100 frames.
  const COUNT = 100;
  const clip = join(dir, 'clip.mkv');
  ffmpeg(['-i', petsVideo, '-map', '0:v:0', '-an', ...passthroughFrames(), '-frames:v', String(COUNT), '-c:v', 'ffv1', clip]);
  ffmpeg(['-i', clip, '-q:v', '2', '-start_number', '1', join(dir, '%06d.jpg')]);
  const cli = fileURLToPath(new URL('../../../bin/sightline.mjs', import.meta.url));
  // `job`: what a pre-labeling job runs per frame (each box's appearance embedding, camera motion,
  // the appearance tracker); else the detect path alone with ByteTrack, the work `sightline detect`
  // does (its boxes) plus tracking.
  const prelabelFps = async (job: boolean) => {
    const trackerScores = modelCard('centernet').trackerScores;
    const tracker = job ? new PrelabelTracker({ fps: 10, trackerScores, appearance: true }) : new ByteTracker({ frameRate: 10, boxes: 'detection', minHits: 3, ...trackerScores });
    const t0 = performance.now();
    let n = 0;
    // The JPEGs as pre-labeling gets them from Hawk's frames API, here read from disk.
    async function* jpegs(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < COUNT; i++) yield readFileSync(join(dir, frameFileName(i)));
    }
    const abort = new AbortController();
    const decoded = decodeJpegStream(jpegs(), { count: COUNT, signal: abort.signal });
    for await (const { detections, frame } of detectFrames(thread, key, decoded, COUNT, () => false, abort, { embed: job })) {
      if (tracker instanceof PrelabelTracker) tracker.track(frame, detections);
      else tracker.update(detections);
      n++;
    }
    return (n / (performance.now() - t0)) * 1000;
  };
  const detectFps = () => {
    const run = spawnSync(process.execPath, [cli, 'detect', '--video', clip, '--out', join(dir, 'det.txt')], { encoding: 'utf8' });
    const m = /([\d.]+) frames\/s/.exec(run.stdout);
    if (run.status !== 0 || !m) throw new Error(`sightline detect failed: ${run.stderr || run.stdout}`);
    return Number(m[1]);
  };
  const pre: number[] = [];
  const jobs: number[] = [];
  const cliFps: number[] = [];
  const fpsRatios: number[] = [];
  const jobRatios: number[] = [];
  const RUNS = 3;
  for (let round = 0; round < RUNS; round++) {
    if (round % 2 === 0) {
      pre.push(await prelabelFps(false));
      jobs.push(await prelabelFps(true));
      cliFps.push(detectFps());
    } else {
      cliFps.push(detectFps());
      jobs.push(await prelabelFps(true));
      pre.push(await prelabelFps(false));
    }
    fpsRatios.push(pre.at(-1)! / cliFps.at(-1)!);
    jobRatios.push(jobs.at(-1)! / cliFps.at(-1)!);
  }
  console.log(`2. pre-labeling's detect path ${median(pre).toFixed(1)} frames/s / sightline detect ${median(cliFps).toFixed(1)} frames/s = ${median(fpsRatios).toFixed(2)}x (goal >= 0.9x; median of ${RUNS} per-pair ratios, alternating runs of ${COUNT} frames; detect's own rate excludes loading the model)`);
  console.log(`   a pre-labeling job as it runs (also each box's appearance embedding and camera motion): ${median(jobs).toFixed(1)} frames/s = ${median(jobRatios).toFixed(2)}x sightline detect`);
  await thread.close();

  // 3. Cameras at 10 fps: add one camera per row until one is not sustained.
  const cameraClip = join(dir, 'camera.mp4');
  ffmpeg(['-i', petsVideo, '-t', '30', '-an', '-r', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', cameraClip]);
  console.log(`3. cameras at 10 fps (PETS09 480x360, looping), ${SECONDS} s per row after a 3 s warm-up:`);
  console.log('cameras  detect      fps/camera  dropped  detected  detect p50  load avg (1/5/15 min)  sustained (>= 9.5 fps, < 1% dropped)');
  const sustainedMax: Record<string, number> = { 'every=1': 0, "every='auto'": 0 };
  const open = new Set(Object.keys(sustainedMax));
  for (let n = 1; n <= MAX_CAMERAS && open.size > 0; n++) for (const mode of [...open]) {
    const every = mode === 'every=1' ? 1 : 'auto';
    const stages = createRealStages({ inferenceThreads: THREADS });
    const spec = (i: number): PipelineSpec => ({
      name: `cam${i}`,
      source: { name: `cam${i}`, type: 'video', uri: `file://${cameraClip}`, fps: 10, loop: true },
      detect: { model: 'centernet', classes: ['person'], scoreThreshold: 0.3, every },
      track: { tracker: 'bytetrack' },
      sinks: ['live'],
    });
    const sinks = { onTracks: () => undefined, onState: () => undefined };
    const pipelines = Array.from({ length: n }, (_, i) => new CameraPipeline(i + 1, spec(i), stages, sinks, { stallMs: 30_000, reconnectMaxMs: 5_000, realtime: true }));
    pipelines.forEach((p) => p.start());
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && pipelines.some((p) => p.stats().framesProcessed === 0)) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    const start = pipelines.map((p) => p.stats());
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const end = pipelines.map((p) => p.stats());
    let decoded = 0;
    let dropped = 0;
    let processed = 0;
    let predicted = 0;
    end.forEach((s, i) => {
      decoded += s.framesDecoded - start[i]!.framesDecoded;
      dropped += s.framesDropped - start[i]!.framesDropped;
      processed += s.framesProcessed - start[i]!.framesProcessed;
      predicted += s.framesPredicted - start[i]!.framesPredicted;
    });
    const detectP50 = median(pipelines.map((p) => p.stageMs.detect.quantile(0.5) ?? Number.NaN));
    await Promise.all(pipelines.map((p) => p.stop()));
    await stages.release();
    const fps = processed / SECONDS / n;
    const dropFraction = decoded > 0 ? dropped / decoded : 0;
    const sustained = fps >= 9.5 && dropFraction < 0.01;
    const detectedShare = processed > 0 ? `${((100 * (processed - predicted)) / processed).toFixed(0)}%` : '-';
    console.log(`${String(n).padStart(7)}  ${mode.padEnd(12)}${fps.toFixed(1).padStart(10)}  ${`${(dropFraction * 100).toFixed(1)}%`.padStart(7)}  ${detectedShare.padStart(8)}  ${`${detectP50.toFixed(0)} ms`.padStart(10)}  ${load().padStart(21)}  ${sustained ? 'yes' : 'no'}`);
    if (sustained) sustainedMax[mode] = n;
    else open.delete(mode);
  }
  console.log(`cameras sustained at 10 fps with < 1% dropped: ${sustainedMax['every=1']} with the detector on every frame, ${sustainedMax["every='auto'"]} with every='auto' (detected share in the table) (goal 4); load average at end ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
