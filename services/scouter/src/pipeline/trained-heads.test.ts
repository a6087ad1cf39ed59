// Trained heads in a running camera pipeline cost no second network pass: the detector's own pass
// keeps its feature map for the frame's heads. Checked on a real clip of people (PETS09 when the
// evaluation data is present, else the crowd photo panned) with real CenterNet and real trained
// heads (linear heads made by the native trainer's network, exported to ONNX as training does):
// the passes the inference thread counts, the values against the former two-pass path (a second
// CenterNet pass on the same frame, ROI-aligned on the tracked boxes), and a version deployed while
// the camera runs reaching its live tracks.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { AttributeValue, TracksEvent } from '@sightline/contracts';
import type { PipelineSpec } from '@sightline/flow';
import { AttributeHead, CenterNetDetector, headToOnnx, SHARED_FEATURES, type AttributeHeadSpec } from '@sightline/models';
import { HeadNetwork, loadTrainOps } from '@sightline/native';
import { Detections, type VideoFrame } from '@sightline/vision';
import { makePeopleClip } from '../../test-support/clip-fixture.ts';
import { CameraPipeline } from './camera-pipeline.ts';
import { createRealStages } from './real-stages.ts';
import type { PipelineStages } from './stages.ts';

interface HeadRow {
  name: string;
  version: number;
  spec: AttributeHeadSpec;
  onnx: Uint8Array;
}

function makeHead(version: number, labels: string[], seed: number): HeadRow {
  const net = new HeadNetwork(loadTrainOps(), { side: 4, channels: SHARED_FEATURES.channels }, labels.length, { kind: 'linear' }, seed);
  const spec = { name: 'upper_colour', labels, model: 'upper_colour.onnx', outputSize: 4, channels: SHARED_FEATURES.channels, featureStride: SHARED_FEATURES.featureStride };
  return { name: 'upper_colour', version, spec, onnx: headToOnnx(net, 'upper_colour') };
}

const v1 = makeHead(1, ['dark', 'light'], 1);
const v2 = makeHead(2, ['red', 'green', 'blue'], 2);
// What is deployed now (the rows TrainingRepository.deployed would return).
let deployed = v1;
const real = createRealStages({ inferenceThreads: 2, deployedHeads: { deployed: async (names) => (names?.includes(deployed.name) ? [deployed] : []) } });
const clip = makePeopleClip(3);

after(() => real.release());

function spec(loop: boolean): PipelineSpec {
  return {
    name: 'street',
    source: { name: 'street', type: 'video', uri: clip.path, fps: 10, loop },
    detect: { model: 'centernet', classes: ['person'], scoreThreshold: 0.3 },
    track: { tracker: 'bytetrack' },
    attributes: { heads: ['upper_colour'] },
    sinks: ['live'],
  };
}

/** The real stages, with each frame the attribute stage saw (a copy of its pixels, its tracked boxes and what the heads said) recorded. */
function recording(seen: { frame: VideoFrame; tracked: Detections; values: (AttributeValue | undefined)[] }[]): PipelineStages {
  return {
    ...real,
    async loadAttributes(attributes) {
      const estimator = await real.loadAttributes!(attributes);
      return {
        async estimate(frame, detections) {
          const copy = { ...frame, data: frame.data.slice() };
          const result = await estimator.estimate(frame, detections);
          seen.push({ frame: copy, tracked: detections, values: result.detections.data['upper_colour'] as (AttributeValue | undefined)[] });
          return result;
        },
        release: () => estimator.release?.(),
      };
    },
  };
}

test(`a camera with a trained head runs one detector pass per frame, and its values equal the two-pass ones (${clip.source})`, async () => {
  const seen: { frame: VideoFrame; tracked: Detections; values: (AttributeValue | undefined)[] }[] = [];
  const before = await real.inference().runs();
  const pipeline = new CameraPipeline(1, spec(false), recording(seen), { onTracks: () => undefined, onState: () => undefined }, { stallMs: 60_000, reconnectMaxMs: 1000, realtime: false });
  pipeline.start();
  await pipeline.done;
  const runs = await real.inference().runs();
  const processed = pipeline.stats().framesProcessed;
  assert.ok(processed >= 20, `frames processed: ${processed}`);
  assert.equal(seen.length, processed, 'the attribute stage saw every processed frame');
  const withBoxes = seen.filter((s) => s.tracked.length > 0).length;
  assert.ok(withBoxes >= processed / 2, `frames with tracked people: ${withBoxes} of ${processed}`);
  const passes = (model: string) => (runs[model] ?? 0) - (before[model] ?? 0);
  assert.equal(passes('centernet'), processed, 'one CenterNet pass per frame');
  assert.deepEqual(Object.keys(runs).sort(), ['centernet', 'head:upper_colour'], 'no other network ran (no second CenterNet graph)');
  assert.equal(passes('head:upper_colour'), withBoxes, 'the head ran once per frame with tracked boxes');

  // The former path: a second CenterNet pass on the same frame, the head ROI-aligned on the tracked
  // boxes, probabilities averaged per track as the estimator does.
  const detector = await CenterNetDetector.create({ threads: 2 });
  const head = await AttributeHead.fromModel(v1.spec, v1.onnx, { threads: 1 });
  const sums = new Map<number, { sum: number[]; n: number }>();
  let compared = 0;
  let worst = 0;
  try {
    for (const { frame, tracked, values } of seen) {
      if (tracked.length === 0) continue;
      const { features, mapping } = await detector.detectWithFeatures(frame);
      const boxes = new Detections({ xyxy: tracked.xyxy, confidence: tracked.confidence, classId: tracked.classId });
      const out = (await head.apply(features, boxes, mapping)).data['attr:upper_colour'] as { probabilities: number[] }[];
      for (let i = 0; i < tracked.length; i++) {
        const p = out[i]!.probabilities;
        const trackId = tracked.trackerId[i]!;
        let mean = p;
        if (trackId >= 0) {
          const s = sums.get(trackId) ?? { sum: p.map(() => 0), n: 0 };
          sums.set(trackId, s);
          s.sum = s.sum.map((v, j) => v + p[j]!);
          s.n++;
          mean = s.sum.map((v) => v / s.n);
        }
        const best = mean.indexOf(Math.max(...mean));
        const got = values[i];
        assert.ok(got, `frame ${frame.index} box ${i} has a value`);
        // Ties within the tolerance may pick either label; otherwise the label must agree.
        if (Math.abs(mean[0]! - mean[1]!) > 0.002) assert.equal(got.value, v1.spec.labels[best], `frame ${frame.index} box ${i}`);
        worst = Math.max(worst, Math.abs(got.confidence - mean[best]!));
        compared++;
      }
    }
  } finally {
    await head.release();
    await detector.release();
  }
  assert.ok(compared >= withBoxes, `boxes compared: ${compared}`);
  assert.ok(worst <= 0.002, `largest confidence difference to the two-pass path: ${worst}`);
});

test('a head version deployed while the camera runs labels its live tracks, still with one pass per frame', async () => {
  deployed = v1;
  await real.trainedHeads!.refresh();
  const events: TracksEvent[] = [];
  const pipeline = new CameraPipeline(2, spec(true), real, { onTracks: (e) => events.push(e), onState: () => undefined }, { stallMs: 60_000, reconnectMaxMs: 1000, realtime: false });
  const labels = (from: number) => events.slice(from).flatMap((e) => e.boxes.map((b) => b.attributes['upper_colour']?.value)).filter((v) => v !== undefined);
  const waitFor = async (what: string, ok: () => boolean) => {
    const until = Date.now() + 120_000;
    while (!ok()) {
      assert.ok(Date.now() < until, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  pipeline.start();
  try {
    await waitFor('values of version 1', () => labels(0).length >= 3);
    assert.ok(labels(0).every((v) => v === 'dark' || v === 'light'), `version 1 labels: ${[...new Set(labels(0))]}`);
    const before = await real.inference().runs();
    deployed = v2;
    await real.trainedHeads!.refresh();
    const mark = events.length;
    await waitFor('values of version 2', () => labels(mark).some((v) => v === 'red' || v === 'green' || v === 'blue'));
    await pipeline.stop();
    const runs = await real.inference().runs();
    assert.equal(pipeline.currentState === 'failed', false, 'the camera ran on through the swap');
    const frames = events.length - mark;
    const passes = (runs['centernet'] ?? 0) - (before['centernet'] ?? 0);
    // Frames decoded after `before` but published before `mark` may add one or two passes.
    assert.ok(passes >= frames && passes <= frames + 2, `CenterNet passes ${passes} for ${frames} published frames`);
  } finally {
    await pipeline.stop();
  }
});

test('with detect(..., every=2) the heads run only on the frames the detector sees: no pass between', async () => {
  deployed = v1;
  await real.trainedHeads!.refresh();
  const events: TracksEvent[] = [];
  const every2 = { ...spec(false), detect: { ...spec(false).detect, every: 2 } };
  const before = await real.inference().runs();
  const pipeline = new CameraPipeline(3, every2, real, { onTracks: (e) => events.push(e), onState: () => undefined }, { stallMs: 60_000, reconnectMaxMs: 1000, realtime: false });
  pipeline.start();
  await pipeline.done;
  const runs = await real.inference().runs();
  const passes = (model: string) => (runs[model] ?? 0) - (before[model] ?? 0);
  const processed = pipeline.stats().framesProcessed;
  const detected = events.filter((_, i) => i % 2 === 0);
  assert.equal(passes('centernet'), Math.ceil(processed / 2), 'one CenterNet pass per detected frame, none between');
  assert.equal(passes('head:upper_colour'), detected.filter((e) => e.boxes.length > 0).length, 'the head ran once per detected frame with boxes');
  assert.ok(detected.some((e) => e.boxes.some((b) => b.attributes['upper_colour'] !== undefined)), 'detected frames carry the head values');
});
