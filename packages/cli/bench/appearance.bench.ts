// The appearance cue on the PETS09-S2L1 dev stretch (frames 1-400 of the 480x360 video, gt scaled
// by 0.625), through the project's own CLI: `sightline detect --appearance` (CenterNet at the
// source-shaped 480x352 input, embeddings from the same pass) -> `sightline track` without and with
// `--appearance` (the default tracker with CenterNet's score calibration, 10 fps) -> `sightline eval
// --compare`, so MOTA / IDF1 / IDSW print side by side. Then the cost, measured in this process on
// the same frames, interleaved: a detections-only pass vs the same pass fetching the feature map,
// and the embedding of its boxes. Also checks that the detections with --appearance equal a plain
// run's. Needs the evaluation data (SIGHTLINE_EVAL_DATA, default <repo>/../shared/data); skips
// without it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVideoFrames } from '@sightline/media';
import { CenterNetDetector, embedBoxes } from '@sightline/models';
import type { VideoFrame } from '@sightline/vision';
import { cutPetsClip, PETS_SEQ, requirePetsDev, sightline, writePetsGtFolder } from './pets09-dev.fixture.ts';

requirePetsDev('appearance-cue');
const dir = mkdtempSync(join(tmpdir(), 'sightline-appearance-'));

try {
  const clip = cutPetsClip(join(dir, 'pets09-1-400.mkv'));
  const seq = PETS_SEQ;
  writePetsGtFolder(join(dir, 'gt'));

  const plainDet = join(dir, 'det-plain.txt');
  const det = join(dir, 'det.txt');
  const appearance = join(dir, 'appearance.txt');
  console.log(sightline('detect', '--video', clip, '--out', plainDet, '--score', '0.3'));
  console.log(sightline('detect', '--video', clip, '--out', det, '--score', '0.3', '--appearance', appearance));
  const same = readFileSync(plainDet, 'utf8') === readFileSync(det, 'utf8');
  console.log(`Detections with --appearance ${same ? 'equal' : 'DIFFER FROM'} a plain run's (the map is fetched at the same input shape).`);

  const boxesOnly = join(dir, 'boxes');
  const withCue = join(dir, 'appearance');
  for (const d of [boxesOnly, withCue]) mkdirSync(d, { recursive: true });
  sightline('track', '--det', det, '--out', join(boxesOnly, `${seq}.txt`), '--fps', '10', '--model', 'centernet');
  sightline('track', '--det', det, '--out', join(withCue, `${seq}.txt`), '--fps', '10', '--model', 'centernet', '--appearance', appearance);
  console.log('\nPETS09-S2L1 frames 1-400 (480x360), CenterNet: the default tracker on boxes alone, then with the appearance cue');
  console.log(sightline('eval', '--gt', join(dir, 'gt'), '--res', boxesOnly, '--compare', withCue));
  const combined = (res: string) => (JSON.parse(sightline('eval', '--gt', join(dir, 'gt'), '--res', res, '--json')) as { combined: Record<string, number> }).combined;
  const [a, b] = [combined(boxesOnly), combined(withCue)];
  console.log(`\n                 MOTA    IDF1    IDSW`);
  console.log(`  boxes alone    ${a.MOTA!.toFixed(3)}   ${a.IDF1!.toFixed(3)}   ${a.IDSW}`);
  console.log(`  + appearance   ${b.MOTA!.toFixed(3)}   ${b.IDF1!.toFixed(3)}   ${b.IDSW}`);

  // The cost, in this process on 100 frames of the clip, each frame through both paths in turn.
  const detector = await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: Number(process.env.SIGHTLINE_INFERENCE_THREADS ?? 2) });
  const frames: VideoFrame[] = [];
  for await (const frame of decodeVideoFrames(clip, {})) {
    frames.push(frame);
    if (frames.length === 100) break;
  }
  let plainMs = 0;
  let mapMs = 0;
  let embedMs = 0;
  let boxes = 0;
  for (const frame of frames) await detector.detect(frame); // warm both sessions' shapes
  for (const frame of frames) {
    let t = performance.now();
    await detector.detect(frame);
    plainMs += performance.now() - t;
    t = performance.now();
    const { detections, features, mapping } = await detector.detectWithFeatures(frame, { at: 'source' });
    const t1 = performance.now();
    mapMs += t1 - t;
    embedBoxes(features, detections.xyxy, mapping);
    embedMs += performance.now() - t1;
    boxes += detections.length;
  }
  await detector.release();
  const n = frames.length;
  console.log(`\nCost per frame (${n} frames of 480x360 at the 480x352 input, ${(boxes / n).toFixed(1)} boxes a frame, ${detector.backend.backend}):`);
  console.log(`  detections-only pass        ${(plainMs / n).toFixed(2)} ms`);
  console.log(`  pass fetching the map       ${(mapMs / n).toFixed(2)} ms`);
  console.log(`  embedding the boxes         ${(embedMs / n).toFixed(2)} ms`);
  console.log(`  appearance path / plain     ${((mapMs + embedMs) / plainMs).toFixed(3)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
