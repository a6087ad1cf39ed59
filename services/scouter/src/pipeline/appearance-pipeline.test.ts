// The appearance cue in a running camera pipeline, on the real stages: a real clip of people (PETS09
// when the evaluation data is present, else the crowd photo panned), real CenterNet in the inference
// thread and the real tracker. With track(...)'s default every detected box reaches the tracker
// with its embedding from the same pass, at the camera's own input shape (the boxes are those of a
// plain pass); with appearance='off' no map is fetched and the tracker matches boxes alone. A
// user's detector card that names a feature map gets the cue from it; one without, asked for the
// cue, is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compileFlow } from '@sightline/flow';
import { CenterNetDetector } from '@sightline/models';
import { AppearanceTracker, ByteTracker, type Detections, type VideoFrame } from '@sightline/vision';
// The generated test detectors of packages/models (a test fixture, not part of its public API).
import { columnsTensor, fixtureDetector } from '../../../../packages/models/src/detect/detector-models.fixture.ts';
import { makePeopleClip } from '../../test-support/clip-fixture.ts';
import { CameraPipeline } from './camera-pipeline.ts';
import { detectorCatalogue } from './detector-catalogue.ts';
import { scouterFlowRegistry } from '../services/flow.service.ts';
import { createRealStages } from './real-stages.ts';
import type { PipelineStages, Tracker } from './stages.ts';

const realStages = createRealStages({ inferenceThreads: 2 });
const clip = makePeopleClip(2);
const dir = mkdtempSync(join(tmpdir(), 'sightline-appearance-card-'));
after(async () => {
  await realStages.release();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  detected: { frame: VideoFrame; detections: Detections }[];
  tracker: Tracker | undefined;
  processed: number;
}

/** Runs the clip through one camera of `track`, recording what the detector returned and the tracker made. */
async function run(track: string, real: PipelineStages = realStages, models: readonly string[] = ['centernet']): Promise<Run> {
  const planned = compileFlow(`CREATE SOURCE cam TYPE video WITH uri='file://${clip.path}', fps=10;\nCREATE STREAM people AS SELECT ${track} FROM cam WHERE class='person' AND score >= 0.3;\nINSERT INTO live FROM people;`, { ...scouterFlowRegistry, models });
  assert.ok(planned.ok, planned.ok ? '' : planned.errors.map((e) => e.message).join('; '));
  const out: Run = { detected: [], tracker: undefined, processed: 0 };
  const stages: PipelineStages = {
    ...real,
    async loadDetector(spec, attributes, trackSpec) {
      const detector = await real.loadDetector(spec, attributes, trackSpec);
      return {
        className: detector.className,
        async detect(frame) {
          const result = await detector.detect(frame);
          out.detected.push({ frame: { ...result.frame, data: result.frame.data.slice() }, detections: result.detections });
          return result;
        },
      };
    },
    createTracker(spec, fps, model) {
      out.tracker = real.createTracker(spec, fps, model);
      return out.tracker;
    },
  };
  const pipeline = new CameraPipeline(1, planned.pipelines[0]!, stages, { onTracks: () => undefined, onState: () => undefined }, { stallMs: 60_000, reconnectMaxMs: 1000, realtime: false });
  pipeline.start();
  await pipeline.done;
  out.processed = pipeline.stats().framesProcessed;
  return out;
}

test(`by default every detected box reaches the tracker with its embedding from the same pass (${clip.source})`, async () => {
  const { detected, tracker, processed } = await run('track(detect(frame))');
  assert.ok(processed >= 10, `frames processed: ${processed}`);
  const boxes = detected.reduce((n, d) => n + d.detections.length, 0);
  assert.ok(boxes >= detected.length, `only ${boxes} boxes in ${detected.length} frames`);
  for (const { frame, detections } of detected) {
    const embeddings = detections.data.embedding as Float32Array[] | undefined;
    assert.equal(embeddings?.length, detections.length, `frame ${frame.index}: one embedding per box`);
    for (const e of embeddings!) assert.ok(e instanceof Float32Array && e.length === 384 && e.some((v) => v !== 0), `frame ${frame.index}: an embedding of ${e.length} values`);
  }
  assert.ok(tracker instanceof AppearanceTracker, 'bytetrack with the appearance cue');
  assert.equal(tracker.embeddingsSeen, boxes, 'the tracker centred every embedding the detector sent');

  // The map was fetched at the camera's own input shape: the boxes are those of a plain pass.
  const plain = await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: 2 });
  try {
    for (const { frame, detections } of [detected[0]!, detected[detected.length - 1]!]) {
      const expected = await plain.detect(frame);
      assert.equal(detections.length, expected.length, `frame ${frame.index}`);
      detections.xyxy.forEach((v, i) => assert.ok(Math.abs(v - expected.xyxy[i]!) < 0.01, `frame ${frame.index}: coordinate ${i} ${v} vs ${expected.xyxy[i]}`));
    }
  } finally {
    await plain.release();
  }
});

test("appearance='off': no embeddings, the tracker matches boxes alone", async () => {
  const { detected, tracker, processed } = await run("track(detect(frame), appearance='off')");
  assert.ok(processed >= 10, `frames processed: ${processed}`);
  assert.ok(detected.some((d) => d.detections.length > 0));
  for (const { detections } of detected) assert.equal(detections.data.embedding, undefined);
  assert.ok(tracker instanceof ByteTracker && !(tracker instanceof AppearanceTracker));
});

test("a detector card's appearance map feeds the cue: 3 bands x the map's channels per box; a card without one is refused", async () => {
  // A person box over the frame's middle; an 8-channel stride-4 map of constants (its own card), and the same boxes with no map.
  const boxes = columnsTensor([[32, 32, 16, 32, 0.9]], 1, 5);
  const map = Float32Array.from({ length: 8 * 16 * 16 }, (_, k) => Math.floor(k / 256) + 1);
  const input = { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: false };
  writeFileSync(join(dir, 'mapped.onnx'), fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 5, 1], values: boxes }, { name: 'p3', dims: [1, 8, 16, 16], values: map }] }));
  writeFileSync(join(dir, 'mapless.onnx'), fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 5, 1], values: boxes }] }));
  const common = { classes: ['person'], input, decode: { format: 'yolov8' }, trackerScores: { trackThresh: 0.5, newTrackThresh: 0.6 } };
  writeFileSync(join(dir, 'mapped.card.json'), JSON.stringify({ name: 'mapped', model: 'mapped.onnx', ...common, appearance: { output: 'p3', stride: 4, layout: 'nchw' } }));
  writeFileSync(join(dir, 'mapless.card.json'), JSON.stringify({ name: 'mapless', model: 'mapless.onnx', ...common }));
  const catalogue = detectorCatalogue(`${join(dir, 'mapped.card.json')},${join(dir, 'mapless.card.json')}`);
  const withCards = createRealStages({ inferenceThreads: 1, detectors: catalogue });
  try {
    const { detected, tracker } = await run("track(detect(frame, model='mapped'), motion='off')", withCards, catalogue.models);
    assert.ok(detected.length >= 10 && detected.every((d) => d.detections.length === 1), `${detected.length} frames`);
    for (const { detections } of detected) {
      const [e] = detections.data.embedding as Float32Array[];
      assert.deepEqual(Array.from(e!, (v) => Math.round(v * 1000) / 1000), [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
    assert.ok(tracker instanceof AppearanceTracker);
    assert.equal(tracker.embeddingsSeen, detected.length);

    // The default ('auto') tracks a mapless card on boxes alone; asking for the cue is an error that says what to do.
    const mapless = await run("track(detect(frame, model='mapless'), motion='off')", withCards, catalogue.models);
    assert.equal(mapless.detected[0]!.detections.data.embedding, undefined);
    await assert.rejects(
      withCards.loadDetector({ model: 'mapless', classes: ['person'], scoreThreshold: 0.3 }, undefined, { tracker: 'bytetrack', appearance: 'on' }),
      /track\(\.\.\., appearance='on'\) pools the detector's own feature map; detector "mapless" names none/,
    );
  } finally {
    await withCards.release();
  }
});
