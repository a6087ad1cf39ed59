// Detector -> ByteTrack -> per-track face attributes over a real clip (a slow pan across the
// thumbnail of a man at a table in samples.jpg, made by ffmpeg).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeVideoFrames } from '@sightline/media';
import { ByteTracker } from '@sightline/vision';
import { CenterNetDetector } from '../detect/centernet.detector.ts';
import { packageDir } from '../registry/model-cache.ts';
import type { TrackAttributes } from './attribute-smoother.ts';
import { FaceAttributeEstimator } from './face-attributes.ts';
import { TrackFaceAttributes } from './track-attributes.ts';
import { ffmpegPath } from '@sightline/media';

const dir = mkdtempSync(join(tmpdir(), 'sightline-track-attr-'));
const clip = join(dir, 'man.mkv');
before(() => {
  const samples = join(packageDir('@vladmandic/human'), 'assets', 'samples.jpg');
  const made = spawnSync(ffmpegPath(), ['-v', 'error', '-y', '-loop', '1', '-i', samples, '-vf', 'crop=240:160:310+n*2:0', '-frames:v', '8', '-c:v', 'ffv1', clip], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a tracked person gets smoothed age and gender with growing confidence', async () => {
  const detector = await CenterNetDetector.create({ classIds: [0], threads: 2 });
  const estimator = await FaceAttributeEstimator.create({ threads: 2 });
  // The detector's own score calibration, as Scouter's tracker takes it (scores depend on the input shape).
  const tracker = new ByteTracker({ frameRate: 10, minHits: 1, ...detector.trackerScores });
  const faces = new TrackFaceAttributes(estimator, { everyFrames: 1 });
  const history: TrackAttributes[] = [];
  try {
    for await (const frame of decodeVideoFrames(clip)) {
      const tracked = await faces.update(frame.index + 1, frame, tracker.update(await detector.detect(frame)));
      const values = tracked.data['attr:face'] as (TrackAttributes | null)[];
      // The man is the largest box.
      let best = -1;
      for (let i = 0; i < tracked.length; i++) if (best < 0 || tracked.box(i)[3] - tracked.box(i)[1] > tracked.box(best)[3] - tracked.box(best)[1]) best = i;
      const v = best >= 0 ? values[best] : null;
      if (v) history.push(v);
    }
  } finally {
    await Promise.all([detector.release(), estimator.release()]);
  }
  assert.ok(history.length >= 6, `the man's track had face attributes in only ${history.length} of 8 frames`);
  const last = history[history.length - 1]!;
  assert.equal(new Set(history.map((h) => h.trackId)).size, 1, 'the man changed track id');
  assert.equal(last.gender, 'male');
  assert.ok(last.ageYears > 18 && last.ageYears < 60, `age ${last.ageYears}`);
  assert.ok(last.observations >= 6 && last.genderConfidence > history[0]!.genderConfidence, 'confidence did not grow with observations');
});
