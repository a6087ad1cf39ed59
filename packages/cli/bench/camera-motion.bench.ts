// Camera-motion compensation (CMC) on real video with a known camera motion. The evaluation data has
// no moving-camera sequence with frames, so one is made: frames 1-400 of PETS09-S2L1 (480x360, with
// the dev ground truth) seen through a 352x264 window that pans and drifts like a handheld or PTZ
// camera (up to ~6 px a frame, with a shake) and zooms a little (+-8%), resampled from the decoded
// frames; the ground-truth boxes are moved into the window (kept when at least half visible). The
// same window held still at the centre is the static control, and the full 480x360 stretch is the
// project's PETS09 dev figure. Each clip goes through the project's own CLI: `sightline detect
// --motion` (CenterNet) -> `sightline track` (default tracker, CenterNet's calibration) with and
// without `--motion` -> `sightline eval`. Also times the motion estimate against a CenterNet pass on
// the same frames, side by side. Needs the evaluation data (SIGHTLINE_EVAL_DATA); skips without it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVideoFrames, ffmpegPath } from '@sightline/media';
import { centernetInputFor, createDetector } from '@sightline/models';
import { CameraMotionEstimator, formatMot, parseMot, type Frame, type MotRow } from '@sightline/vision';
import { cutPetsClip, petsGtFile, petsVideo, requirePetsDev, sightline } from './pets09-dev.fixture.ts';

requirePetsDev('camera-motion');
const video = petsVideo;
const gtFile = petsGtFile;

const FRAMES = 400;
const [W, H] = [352, 264];
/** The window of frame n (0-based): centre and scale (source pixels per window pixel). */
type Window = { cx: number; cy: number; s: number };
const panned = (n: number): Window => ({
  cx: 240 + 45 * Math.sin((2 * Math.PI * n) / 80) + 1.5 * Math.sin(1.7 * n),
  cy: 180 + 35 * Math.sin((2 * Math.PI * n) / 110 + 1) + 1 * Math.sin(2.3 * n),
  s: 1 + 0.08 * Math.sin((2 * Math.PI * n) / 150),
});
const still = (): Window => ({ cx: 240, cy: 180, s: 1 });

const dir = mkdtempSync(join(tmpdir(), 'sightline-cmc-'));

/** Source frame -> window view (bilinear), window pixel (u, v) showing source point cx + (u + 0.5 - W/2) s. */
function look(frame: Frame, win: Window, out: Uint8Array): void {
  const { width, height, data } = frame;
  for (let v = 0; v < H; v++) {
    const y = win.cy + (v + 0.5 - H / 2) * win.s - 0.5;
    const y0 = Math.min(height - 2, Math.max(0, Math.floor(y)));
    const fy = Math.min(1, Math.max(0, y - y0));
    for (let u = 0; u < W; u++) {
      const x = win.cx + (u + 0.5 - W / 2) * win.s - 0.5;
      const x0 = Math.min(width - 2, Math.max(0, Math.floor(x)));
      const fx = Math.min(1, Math.max(0, x - x0));
      const i = (y0 * width + x0) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[i + c]! * (1 - fx) + data[i + 3 + c]! * fx;
        const bottom = data[i + width * 3 + c]! * (1 - fx) + data[i + width * 3 + 3 + c]! * fx;
        out[(v * W + u) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
}

/** Ground truth (768x576 rows scaled by 0.625) moved into the window; kept when at least half the box is inside. */
function gtInWindow(gt: readonly MotRow[], windowOf: (n: number) => Window): MotRow[] {
  const rows: MotRow[] = [];
  for (const r of gt) {
    const win = windowOf(r.frame - 1);
    const map = (x: number, y: number): [number, number] => [(x - win.cx) / win.s + W / 2, (y - win.cy) / win.s + H / 2];
    const [x1, y1] = map((r.x - 1) * 0.625, (r.y - 1) * 0.625);
    const [x2, y2] = map((r.x - 1 + r.w) * 0.625, (r.y - 1 + r.h) * 0.625);
    const [cx1, cy1, cx2, cy2] = [Math.max(0, x1), Math.max(0, y1), Math.min(W, x2), Math.min(H, y2)];
    if (cx2 <= cx1 || cy2 <= cy1 || (cx2 - cx1) * (cy2 - cy1) < 0.5 * (x2 - x1) * (y2 - y1)) continue;
    rows.push({ ...r, x: cx1 + 1, y: cy1 + 1, w: cx2 - cx1, h: cy2 - cy1 });
  }
  return rows;
}

/** Writes the window's view of the first 400 frames to a lossless clip; returns a few views for timing. */
async function makeClip(path: string, windowOf: (n: number) => Window, keep: number): Promise<Frame<'rgb24'>[]> {
  const enc = spawn(ffmpegPath(), ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '10', '-i', 'pipe:0', '-c:v', 'ffv1', '-pix_fmt', 'bgr0', path], { stdio: ['pipe', 'inherit', 'inherit'] });
  const kept: Frame<'rgb24'>[] = [];
  let n = 0;
  for await (const frame of decodeVideoFrames(video, { maxFrames: FRAMES })) {
    const view = new Uint8Array(W * H * 3);
    look(frame, windowOf(n), view);
    if (n < keep) kept.push({ data: view, width: W, height: H, format: 'rgb24' });
    if (!enc.stdin.write(view)) await once(enc.stdin, 'drain');
    n++;
  }
  enc.stdin.end();
  const [code] = (await once(enc, 'exit')) as [number];
  if (code !== 0 || n !== FRAMES) throw new Error(`could not write ${path} (ffmpeg ${code}, ${n} frames)`);
  return kept;
}

/** MOTA, IDF1, identity switches of `res` against the sequence's gt, through `sightline eval --json`. */
function score(gtDir: string, resDir: string): Record<string, number> {
  return (JSON.parse(sightline('eval', '--gt', gtDir, '--res', resDir, '--json')) as { combined: Record<string, number> }).combined;
}

try {
  const gt = parseMot(readFileSync(gtFile, 'utf8'));
  const table: string[] = [];
  let timing: Frame<'rgb24'>[] = [];
  const clips: Array<{ name: string; windowOf?: (n: number) => Window }> = [
    { name: 'panned 352x264 window', windowOf: panned },
    { name: 'static 352x264 window', windowOf: still },
    { name: 'static full 480x360' },
  ];
  for (const { name, windowOf } of clips) {
    const seq = name.replace(/[^a-z0-9]+/gi, '-');
    const clip = join(dir, `${seq}.mkv`);
    const gtDir = join(dir, seq, 'gt');
    mkdirSync(join(gtDir, seq, 'gt'), { recursive: true });
    if (windowOf) {
      const kept = await makeClip(clip, windowOf, windowOf === panned ? 60 : 0);
      if (kept.length > 0) timing = kept;
      writeFileSync(join(gtDir, seq, 'gt', 'gt.txt'), formatMot(gtInWindow(gt, windowOf)));
    } else {
      cutPetsClip(clip, FRAMES);
      writeFileSync(join(gtDir, seq, 'gt', 'gt.txt'), formatMot(gt.map((r) => ({ ...r, x: (r.x - 1) * 0.625 + 1, y: (r.y - 1) * 0.625 + 1, w: r.w * 0.625, h: r.h * 0.625 }))));
    }
    const det = join(dir, `${seq}-det.txt`);
    const motion = join(dir, `${seq}-motion.txt`);
    sightline('detect', '--video', clip, '--out', det, '--motion', motion, '--score', '0.3');
    const scores: Record<string, Record<string, number>> = {};
    for (const [label, extra] of [['without CMC', []], ['with CMC', ['--motion', motion]]] as const) {
      const resDir = join(dir, seq, label.replace(' ', '-'));
      mkdirSync(resDir, { recursive: true });
      sightline('track', '--det', det, '--out', join(resDir, `${seq}.txt`), '--fps', '10', '--model', 'centernet', ...extra);
      scores[label] = score(gtDir, resDir);
    }
    const people = new Set(gt.map((r) => r.id)).size;
    for (const label of ['without CMC', 'with CMC']) {
      const c = scores[label]!;
      table.push(`${name.padEnd(22)} ${label.padEnd(12)} MOTA ${c.MOTA!.toFixed(3)}  IDF1 ${c.IDF1!.toFixed(3)}  IDSW ${String(c.IDSW).padStart(3)} (${(c.IDSW! / people).toFixed(1)} per person)  HOTA ${c.HOTA!.toFixed(3)}  FP ${c.FP}  FN ${c.FN}`);
    }
    const d = (k: string): string => (scores['with CMC']![k]! - scores['without CMC']![k]!).toFixed(3);
    table.push(`${''.padEnd(22)} ${'change'.padEnd(12)} MOTA ${d('MOTA')}  IDF1 ${d('IDF1')}  IDSW ${d('IDSW').replace('.000', '')}`);
  }
  console.log('PETS09-S2L1 frames 1-400 through sightline detect (CenterNet) -> track (default tracker, centernet calibration) -> eval:');
  console.log(table.join('\n'));

  // Cost: the motion estimate (with the detections excluded, as detect --motion runs it) beside a
  // CenterNet pass on the same 60 frames of the panned clip, interleaved so load hits both alike.
  const detector = await createDetector('centernet', { inputSize: centernetInputFor([W, H]), scoreThreshold: 0.3 });
  const cmc = new CameraMotionEstimator();
  let detectMs = 0;
  let motionMs = 0;
  await detector.detect(timing[0]!);
  for (const frame of timing) {
    const t0 = performance.now();
    const dets = await detector.detect(frame);
    const t1 = performance.now();
    cmc.estimate(frame, dets.xyxy);
    const t2 = performance.now();
    detectMs += t1 - t0;
    motionMs += t2 - t1;
  }
  await detector.release();
  const n = timing.length;
  console.log(`\nCost per ${W}x${H} frame (${n} frames): motion estimate ${(motionMs / n).toFixed(2)} ms, CenterNet pass ${(detectMs / n).toFixed(1)} ms: ${((100 * motionMs) / detectMs).toFixed(1)}% of the detector's time`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
