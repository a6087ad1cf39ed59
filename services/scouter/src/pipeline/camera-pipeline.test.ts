// The pipeline's own rules with stand-in stages (real tracker): detect(..., every=N).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TracksEvent } from '@sightline/contracts';
import type { PipelineSpec } from '@sightline/flow';
import { ByteTracker, Detections, type VideoFrame } from '@sightline/vision';
import { CameraPipeline } from './camera-pipeline.ts';
import type { PipelineStages } from './stages.ts';

const FRAMES = 20;
/** One person walking right 3 px a frame. */
const truth = (index: number): [number, number, number, number] => [10 + 3 * index, 40, 40 + 3 * index, 120];

function stages(detectedFrames: number[]): PipelineStages {
  return {
    async *openSource(): AsyncGenerator<VideoFrame> {
      for (let index = 0; index < FRAMES; index++) yield { data: new Uint8Array(160 * 160 * 3), width: 160, height: 160, format: 'rgb24', index };
    },
    async loadDetector() {
      return {
        className: () => 'person',
        async detect(frame) {
          detectedFrames.push(frame.index);
          return { frame, detections: Detections.fromRows([{ xyxy: truth(frame.index), confidence: 0.9, classId: 0 }]) };
        },
      };
    },
    createTracker: (_spec, fps) => new ByteTracker({ frameRate: fps, trackThresh: 0.5, newTrackThresh: 0.6, minHits: 3 }),
  };
}

async function run(every: number): Promise<{ events: TracksEvent[]; detected: number[] }> {
  const spec: PipelineSpec = {
    name: 'walk',
    source: { name: 'walk', type: 'video', uri: 'file:///walk.mp4', fps: 10, loop: false },
    detect: { model: 'centernet', classes: [], scoreThreshold: 0.3, ...(every > 1 ? { every } : {}) },
    track: { tracker: 'bytetrack' },
    sinks: ['live'],
  };
  const events: TracksEvent[] = [];
  const detected: number[] = [];
  const pipeline = new CameraPipeline(1, spec, stages(detected), { onTracks: (e) => events.push(e), onState: () => undefined }, { stallMs: 5000, reconnectMaxMs: 1000, realtime: false });
  pipeline.start();
  await pipeline.done;
  return { events, detected };
}

test('with every=2 the detector sees every other frame and the frames between still carry the track, where the person is', async () => {
  const { events, detected } = await run(2);
  assert.deepEqual(detected, Array.from({ length: FRAMES / 2 }, (_, i) => 2 * i));
  assert.equal(events.length, FRAMES, 'every frame is published');
  const skipped = events.filter((e) => e.frameIndex % 2 === 1 && e.boxes.length > 0);
  assert.ok(skipped.length >= FRAMES / 2 - 3, `skipped frames with the track: ${skipped.length}`);
  for (const e of skipped) {
    const box = e.boxes[0]!;
    const want = truth(e.frameIndex);
    // Constant velocity is exact for a steady walk once the track has moved once.
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(box.xyxy[c]! - want[c]!) <= 6, `frame ${e.frameIndex}: ${box.xyxy} vs ${want}`);
  }
  const ids = new Set(events.flatMap((e) => e.boxes.map((b) => b.trackerId)));
  assert.equal(ids.size, 1, 'one identity throughout');
});

test('without every the detector sees every frame', async () => {
  const { detected, events } = await run(1);
  assert.equal(detected.length, FRAMES);
  assert.equal(events.length, FRAMES);
});
