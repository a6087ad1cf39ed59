// The appearance cue on the PETS09-S2L1 dev stretch (frames 1-400 of the 480x360 video, gt scaled
// by 0.625), through the project's own CLI, for CenterNet (the source-shaped 480x352 input, its
// shared map) and NanoDet when its weights were fetched (its stride-8 map): `sightline detect
// --appearance` (embeddings from the same pass) -> `sightline track` without and with
// `--appearance` (the default tracker with the detector's score calibration, 10 fps) -> `sightline
// eval --compare`, so MOTA / IDF1 / IDSW print side by side. Then the cost, measured in this process
// on the same frames, interleaved: a detections-only pass vs the same pass fetching the feature map,
// and the embedding of its boxes. Also checks that the detections with --appearance equal a plain
// run's. Needs the evaluation data (SIGHTLINE_EVAL_DATA, default <repo>/../shared/data); skips
// without it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVideoFrames } from '@sightline/media';
import { createDetector, detectWithAppearanceMap, embedFrameBoxes, weightsMissing } from '@sightline/models';
import type { VideoFrame } from '@sightline/vision';
import { cutPetsClip, PETS_SEQ, requirePetsDev, sightline, writePetsGtFolder } from './pets09-dev.fixture.ts';

requirePetsDev('appearance-cue');
const dir = mkdtempSync(join(tmpdir(), 'sightline-appearance-'));

async function measure(model: string, clip: string): Promise<void> {
  const seq = PETS_SEQ;
  const plainDet = join(dir, `${model}-det-plain.txt`);
  const det = join(dir, `${model}-det.txt`);
  const appearance = join(dir, `${model}-appearance.txt`);
  console.log(sightline('detect', '--video', clip, '--out', plainDet, '--score', '0.3', '--model', model));
  console.log(sightline('detect', '--video', clip, '--out', det, '--score', '0.3', '--model', model, '--appearance', appearance));
  const same = readFileSync(plainDet, 'utf8') === readFileSync(det, 'utf8');
  console.log(`Detections with --appearance ${same ? 'equal' : 'DIFFER FROM'} a plain run's (the map is fetched at the same input shape).`);

  const boxesOnly = join(dir, `${model}-boxes`);
  const withCue = join(dir, `${model}-appearance`);
  for (const d of [boxesOnly, withCue]) mkdirSync(d, { recursive: true });
  sightline('track', '--det', det, '--out', join(boxesOnly, `${seq}.txt`), '--fps', '10', '--model', model);
  sightline('track', '--det', det, '--out', join(withCue, `${seq}.txt`), '--fps', '10', '--model', model, '--appearance', appearance);
  console.log(`\nPETS09-S2L1 frames 1-400 (480x360), ${model}: the default tracker on boxes alone, then with the appearance cue`);
  console.log(sightline('eval', '--gt', join(dir, 'gt'), '--res', boxesOnly, '--compare', withCue));
  const combined = (res: string) => (JSON.parse(sightline('eval', '--gt', join(dir, 'gt'), '--res', res, '--json')) as { combined: Record<string, number> }).combined;
  const [a, b] = [combined(boxesOnly), combined(withCue)];
  console.log(`\n  ${model.padEnd(13)}  MOTA    IDF1    IDSW`);
  console.log(`  boxes alone    ${a.MOTA!.toFixed(3)}   ${a.IDF1!.toFixed(3)}   ${a.IDSW}`);
  console.log(`  + appearance   ${b.MOTA!.toFixed(3)}   ${b.IDF1!.toFixed(3)}   ${b.IDSW}`);

  // The cost, in this process on 100 frames of the clip, each frame through both paths in turn.
  const detector = await createDetector(model, { classIds: [0], scoreThreshold: 0.3, threads: Number(process.env.SIGHTLINE_INFERENCE_THREADS ?? 2), inputSize: 'source' });
  const frames: VideoFrame[] = [];
  for await (const frame of decodeVideoFrames(clip, {})) {
    frames.push(frame);
    if (frames.length === 100) break;
  }
  let plainMs = 0;
  let mapMs = 0;
  let embedMs = 0;
  let boxes = 0;
  let channels = 0;
  for (const frame of frames) await detector.detect(frame); // warm the session
  for (const frame of frames) {
    let t = performance.now();
    await detector.detect(frame);
    plainMs += performance.now() - t;
    t = performance.now();
    const { detections, features } = await detectWithAppearanceMap(detector, frame);
    const t1 = performance.now();
    mapMs += t1 - t;
    embedFrameBoxes(features, detections.xyxy);
    embedMs += performance.now() - t1;
    boxes += detections.length;
    channels = features.features.shape[3];
  }
  await detector.release();
  const n = frames.length;
  console.log(`\nCost per frame, ${model} (${n} frames of 480x360, ${(boxes / n).toFixed(1)} boxes a frame, a ${channels}-channel map, ${detector.backend.backend}):`);
  console.log(`  detections-only pass        ${(plainMs / n).toFixed(2)} ms`);
  console.log(`  pass fetching the map       ${(mapMs / n).toFixed(2)} ms`);
  console.log(`  embedding the boxes         ${(embedMs / n).toFixed(2)} ms`);
  console.log(`  appearance path / plain     ${((mapMs + embedMs) / plainMs).toFixed(3)}x\n`);
}

try {
  const clip = cutPetsClip(join(dir, 'pets09-1-400.mkv'));
  writePetsGtFolder(join(dir, 'gt'));
  await measure('centernet', clip);
  const missing = weightsMissing('nanodet');
  if (missing) console.log(`NanoDet skipped: ${missing}`);
  else await measure('nanodet', clip);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
