// What one camera's published tracks are worth while several cameras share the inference engine:
// N live cameras play the PETS09-S2L1 dev stretch (frames 1-400 of the 480x360 video, 10 fps,
// once) through the production stages (ffmpeg decode, the shared inference thread, ByteTrack),
// and camera 1's published boxes are scored against the ground truth (x0.625 of 768x576). With
// every=1 a busy engine drops frames (no boxes published for them: misses); with every='auto' the
// tracker predicts the frames that waited. 1 camera is the reference in the same run, with the
// tracker's appearance cue (the default) and without it (track(..., appearance='off')).
// Needs the evaluation data (SIGHTLINE_EVAL_DATA); skips without it. SCOUTER_BENCH_CAMERAS
// (default "1,3,4") lists the camera counts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TracksEvent } from '@sightline/contracts';
import type { PipelineSpec, TrackAppearance } from '@sightline/flow';
import { ffmpegPath, passthroughFrames } from '@sightline/media';
import { evaluateSequence, motMetrics, parseMot, type MotRow } from '@sightline/vision';
import { CameraPipeline } from '../src/pipeline/camera-pipeline.ts';
import { createRealStages } from '../src/pipeline/real-stages.ts';
import { evalDataDir, petsVideo } from '../test-support/clip-fixture.ts';

const gtFile = join(evalDataDir, 'pets09-dev', 'gt-frames-1-400.txt');
if (!existsSync(petsVideo) || !existsSync(gtFile)) {
  console.log(`PETS09 video or its dev ground truth not found under ${evalDataDir} (set SIGHTLINE_EVAL_DATA): cameras-accuracy benchmark skipped.`);
  process.exit(0);
}
const COUNTS = (process.env.SCOUTER_BENCH_CAMERAS ?? '1,3,4').split(',').map(Number);
const load = () => loadavg().map((v) => v.toFixed(1)).join(' / ');

const gt = parseMot(readFileSync(gtFile, 'utf8')).map((r) => ({ ...r, x: r.x * 0.625, y: r.y * 0.625, w: r.w * 0.625, h: r.h * 0.625 }));
const dir = mkdtempSync(join(tmpdir(), 'scouter-cameras-accuracy-'));

/** Camera 1's published tracked boxes as MOT rows (frame = decoded index + 1, as in the ground truth). */
function motRows(events: readonly TracksEvent[]): MotRow[] {
  return events.flatMap((e) =>
    e.boxes
      .filter((b) => b.trackerId >= 0)
      .map((b) => ({ frame: e.frameIndex + 1, id: b.trackerId, x: b.xyxy[0], y: b.xyxy[1], w: b.xyxy[2] - b.xyxy[0], h: b.xyxy[3] - b.xyxy[1], conf: b.score, xOrClass: -1, yOrVisibility: -1, z: -1 })),
  );
}

async function run(clip: string, cameras: number, every: 1 | 'auto', appearance: TrackAppearance = 'on'): Promise<string> {
  const stages = createRealStages({ inferenceThreads: 2 });
  const events: TracksEvent[] = [];
  const spec = (i: number): PipelineSpec => ({
    name: `cam${i}`,
    source: { name: `cam${i}`, type: 'video', uri: `file://${clip}`, fps: 10, loop: false },
    detect: { model: 'centernet', classes: ['person'], scoreThreshold: 0.3, every },
    track: { tracker: 'bytetrack', appearance },
    sinks: ['live'],
  });
  // Load the network first, so that no camera's first seconds go to loading it.
  await (await stages.loadDetector(spec(0).detect)).detect({ data: new Uint8Array(480 * 360 * 3), width: 480, height: 360, format: 'rgb24', index: 0 });
  const pipelines = Array.from({ length: cameras }, (_, i) =>
    new CameraPipeline(i + 1, spec(i), stages, { onTracks: (e) => (i === 0 ? events.push(e) : undefined), onState: () => undefined }, { stallMs: 60_000, reconnectMaxMs: 5_000, realtime: true }),
  );
  pipelines.forEach((p) => p.start());
  await Promise.all(pipelines.map((p) => p.done));
  await stages.release();
  const s = pipelines[0]!.stats();
  const all = pipelines.map((p) => p.stats());
  const sum = (k: 'framesDecoded' | 'framesDropped' | 'framesPredicted' | 'framesProcessed') => all.reduce((a, x) => a + x[k], 0);
  const m = motMetrics(evaluateSequence(gt, motRows(events), 'mot15'));
  const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-');
  return `${String(cameras).padStart(7)}  ${(every === 1 ? 'every=1' : "every='auto'").padEnd(12)}  ${appearance.padEnd(10)}  ${pct(sum('framesDropped'), sum('framesDecoded')).padStart(7)}  ${pct(sum('framesPredicted'), sum('framesProcessed')).padStart(9)}  ${`${s.framesProcessed}/${s.framesDecoded}`.padStart(9)}  ${m.MOTA.toFixed(3)}  ${m.IDF1.toFixed(3)}  ${String(m.IDSW).padStart(4)}  ${m.Recall.toFixed(3)}  ${m.Precision.toFixed(3)}  ${load()}`;
}

try {
  // The first 400 source frames, losslessly, so that frame k of the clip is frame k of the gt.
  const clip = join(dir, 'pets09-1-400.mkv');
  const cut = spawnSync(ffmpegPath(), ['-v', 'error', '-nostdin', '-i', petsVideo, '-map', '0:v:0', '-an', ...passthroughFrames(), '-frames:v', '400', '-c:v', 'ffv1', clip]);
  if (cut.status !== 0) throw new Error(`ffmpeg could not cut the clip: ${cut.stderr}`);
  console.log('Camera 1 of N live cameras on the PETS09-S2L1 dev stretch (400 frames at 10 fps), scored against the ground truth:');
  console.log('cameras  detect        appearance  dropped  predicted  camera 1   MOTA   IDF1   IDSW  recall precision  load avg (1/5/15 min)');
  for (const n of COUNTS) {
    if (n === 1) console.log(await run(clip, n, 1, 'off'));
    for (const every of n === 1 ? ([1] as const) : ([1, 'auto'] as const)) console.log(await run(clip, n, every));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
