// The pipeline's own rules with stand-in stages (real tracker): detect(..., every=N | 'auto').
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TracksEvent } from '@sightline/contracts';
import type { PipelineSpec } from '@sightline/flow';
import { ByteTracker, Detections, type VideoFrame } from '@sightline/vision';
import { BACKLOG_BYTES, CameraPipeline, handoffCapacity } from './camera-pipeline.ts';
import type { PipelineStages } from './stages.ts';

const FRAMES = 20;
/** One person walking right 3 px a frame. */
const truth = (index: number): [number, number, number, number] => [10 + 3 * index, 40, 40 + 3 * index, 120];

function stages(detectedFrames: number[], detectMs = 0, elapsedSeen?: number[], walk = truth): PipelineStages {
  return {
    async *openSource(): AsyncGenerator<VideoFrame> {
      for (let index = 0; index < FRAMES; index++) yield { data: new Uint8Array(160 * 160 * 3), width: 160, height: 160, format: 'rgb24', index };
    },
    async loadDetector() {
      return {
        className: () => 'person',
        async detect(frame) {
          detectedFrames.push(frame.index);
          if (detectMs > 0) await new Promise((r) => setTimeout(r, detectMs));
          return { frame, detections: Detections.fromRows([{ xyxy: walk(frame.index), confidence: 0.9, classId: 0 }]) };
        },
      };
    },
    createTracker: (_spec, fps) => {
      const tracker = new ByteTracker({ frameRate: fps, trackThresh: 0.5, newTrackThresh: 0.6, minHits: 3 });
      return {
        update: (detections: Detections, elapsed?: number) => {
          elapsedSeen?.push(elapsed ?? 1);
          return tracker.update(detections, elapsed);
        },
      };
    },
  };
}

async function run(every: number | 'auto' | undefined, options: { realtime?: boolean; detectMs?: number } = {}): Promise<{ events: TracksEvent[]; detected: number[]; elapsed: number[]; pipeline: CameraPipeline }> {
  const spec: PipelineSpec = {
    name: 'walk',
    source: { name: 'walk', type: 'video', uri: 'file:///walk.mp4', fps: 10, loop: false },
    detect: { model: 'centernet', classes: [], scoreThreshold: 0.3, ...(every !== undefined ? { every } : {}) },
    track: { tracker: 'bytetrack' },
    sinks: ['live'],
  };
  const events: TracksEvent[] = [];
  const detected: number[] = [];
  const elapsed: number[] = [];
  const pipeline = new CameraPipeline(1, spec, stages(detected, options.detectMs, elapsed), { onTracks: (e) => events.push(e), onState: () => undefined }, { stallMs: 5000, reconnectMaxMs: 1000, realtime: options.realtime ?? false });
  pipeline.start();
  await pipeline.done;
  return { events, detected, elapsed, pipeline };
}

/** What the tracker must be told at each update: the frames since the one it saw before. */
const gaps = (detected: number[]): number[] => detected.map((f, k) => (k === 0 ? 1 : f - detected[k - 1]!));

test('with every=2 the detector sees every other frame and the frames between still carry the track, where the person is', async () => {
  const { events, detected, elapsed } = await run(2);
  assert.deepEqual(detected, Array.from({ length: FRAMES / 2 }, (_, i) => 2 * i));
  assert.deepEqual(elapsed, [1, ...Array(FRAMES / 2 - 1).fill(2)], 'the tracker is told two frames passed');
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

test('without every, a one-shot run detects every frame', async () => {
  const { detected, events, pipeline } = await run(undefined);
  assert.equal(detected.length, FRAMES);
  assert.equal(events.length, FRAMES);
  assert.equal(pipeline.stats().framesPredicted, 0);
});

/** Boxes of the frames the tracker predicted, each checked against where the person is. */
function assertPredictedOnTrack(events: TracksEvent[], detected: number[]): number {
  const predicted = events.filter((e) => !detected.includes(e.frameIndex) && e.boxes.length > 0);
  for (const e of predicted) {
    const box = e.boxes[0]!;
    const want = truth(e.frameIndex);
    for (let c = 0; c < 4; c++) assert.ok(Math.abs(box.xyxy[c]! - want[c]!) <= 6, `frame ${e.frameIndex}: ${box.xyxy} vs ${want}`);
  }
  return predicted.length;
}

test("every='auto' (the default) on a live camera whose detector is slower than its frames: the tracker predicts the frames that waited, none is dropped", async () => {
  // 10 fps (a frame every 100 ms) against a 170 ms detector: each frame arriving during a pass
  // waits about 70 ms, more than half an interval, so it is predicted and the next one detected.
  const { events, detected, elapsed, pipeline } = await run(undefined, { realtime: true, detectMs: 170 });
  assert.deepEqual(elapsed, gaps(detected), 'the tracker is told how many frames passed since it last saw one');
  const stats = pipeline.stats();
  assert.equal(stats.framesDecoded, FRAMES);
  assert.equal(stats.framesDropped, 0, 'no frame dropped');
  assert.equal(stats.framesProcessed, FRAMES, 'every frame published');
  assert.equal(events.length, FRAMES);
  assert.equal(stats.framesPredicted, FRAMES - detected.length, 'predicted = processed frames the detector did not see');
  assert.deepEqual(events.filter((e) => e.predicted).map((e) => e.frameIndex), events.map((e) => e.frameIndex).filter((i) => !detected.includes(i)), 'each event says whether its boxes were predicted');
  assert.ok(stats.framesPredicted >= 6 && detected.length >= 6, `detected ${detected.length}, predicted ${stats.framesPredicted}`);
  assert.ok(assertPredictedOnTrack(events, detected) >= stats.framesPredicted - 3, 'the predicted frames carry the track where the person is');
  assert.equal(new Set(events.flatMap((e) => e.boxes.map((b) => b.trackerId))).size, 1, 'one identity throughout');
});

test("every='auto' with a detector three frames slow: the frames that waited are published in order with predicted boxes, none dropped", async () => {
  const { events, detected, pipeline } = await run('auto', { realtime: true, detectMs: 330 });
  const stats = pipeline.stats();
  assert.equal(stats.framesDropped, 0, 'the backlog of half a second holds the frames that arrive during one pass');
  assert.equal(events.length, FRAMES);
  assert.deepEqual(events.map((e) => e.frameIndex), Array.from({ length: FRAMES }, (_, i) => i), 'published in frame order');
  assert.equal(stats.framesPredicted, FRAMES - detected.length);
  assert.ok(detected.length >= 4 && stats.framesPredicted >= FRAMES / 2, `detected ${detected.length}, predicted ${stats.framesPredicted}`);
  assert.ok(assertPredictedOnTrack(events, detected) >= stats.framesPredicted - 4, 'the predicted frames carry the track where the person is');
});

test("every='auto' on a live camera whose detector keeps up: every frame detected", async () => {
  const { detected, pipeline } = await run('auto', { realtime: true, detectMs: 5 });
  assert.equal(detected.length, FRAMES);
  assert.equal(pipeline.stats().framesPredicted, 0);
});

test('every=1 on a live camera with the same slow detector: frames are dropped, none predicted', async () => {
  const { detected, events, elapsed, pipeline } = await run(1, { realtime: true, detectMs: 170 });
  assert.deepEqual(elapsed, gaps(detected), 'dropped frames count as frames passed');
  const stats = pipeline.stats();
  assert.equal(stats.framesPredicted, 0);
  assert.equal(detected.length, events.length, 'every published frame was detected');
  assert.ok(events.every((e) => !e.predicted));
  assert.ok(stats.framesDropped >= 4, `dropped ${stats.framesDropped}`);
  assert.equal(stats.framesProcessed + stats.framesDropped, FRAMES);
});

test("the backlog every='auto' keeps: half a second of frames (2 to 5) within BACKLOG_BYTES of pixels; one slot otherwise", () => {
  const spec = (fps: number, every?: number | 'auto', tracked = true): PipelineSpec => ({
    name: 'c',
    source: { name: 'c', type: 'rtsp', uri: 'rtsp://cam/1', fps, loop: false },
    detect: { model: 'centernet', classes: [], scoreThreshold: 0.3, ...(every !== undefined ? { every } : {}) },
    ...(tracked ? { track: { tracker: 'bytetrack' as const } } : {}),
    sinks: ['live'],
  });
  const live = { stallMs: 5000, reconnectMaxMs: 1000 };
  assert.equal(handoffCapacity(spec(10), live), 5);
  assert.equal(handoffCapacity(spec(4), live), 2);
  assert.equal(handoffCapacity(spec(10), live, 480 * 360 * 3), 5, 'PETS09-size frames: the half second fits');
  assert.equal(handoffCapacity(spec(10), live, 1920 * 1080 * 3), 2, '1080p: two frames fit');
  assert.equal(handoffCapacity(spec(10), live, 3840 * 2160 * 3), 1, '4K: one');
  assert.ok(2 * 1920 * 1080 * 3 <= BACKLOG_BYTES && 3 * 1920 * 1080 * 3 > BACKLOG_BYTES);
  assert.equal(handoffCapacity(spec(10, 1), live), 1, 'every=1: newest wins');
  assert.equal(handoffCapacity(spec(10, 2), live), 1);
  assert.equal(handoffCapacity(spec(10, undefined, false), live), 1, 'untracked');
  assert.equal(handoffCapacity(spec(10), { ...live, realtime: false }), 1, 'one-shot runs wait for the consumer instead');
});

test("every='auto' with frames too big for the backlog: the slow detector's extra frames are dropped, the rest predicted", async () => {
  // 4K frames (24.9 MB each): one fits in BACKLOG_BYTES, so during a 330 ms pass a second frame
  // replaces the first instead of queueing behind it.
  const detected: number[] = [];
  const big: PipelineStages = {
    ...stages(detected, 330),
    async *openSource(): AsyncGenerator<VideoFrame> {
      for (let index = 0; index < FRAMES; index++) yield { data: new Uint8Array(3840 * 2160 * 3), width: 3840, height: 2160, format: 'rgb24', index };
    },
  };
  const spec: PipelineSpec = { name: 'walk', source: { name: 'walk', type: 'video', uri: 'file:///walk.mp4', fps: 10, loop: false }, detect: { model: 'centernet', classes: [], scoreThreshold: 0.3 }, track: { tracker: 'bytetrack' }, sinks: ['live'] };
  const pipeline = new CameraPipeline(1, spec, big, { onTracks: () => undefined, onState: () => undefined }, { stallMs: 5000, reconnectMaxMs: 1000, realtime: true });
  pipeline.start();
  await pipeline.done;
  const stats = pipeline.stats();
  assert.ok(stats.framesDropped > 0, `dropped ${stats.framesDropped}`);
  assert.equal(stats.framesProcessed + stats.framesDropped, FRAMES);
  assert.equal(stats.framesPredicted, stats.framesProcessed - detected.length);
});

test("every='auto': the frames that waited get boxes on the line to the next detected frame, not the old velocity", async () => {
  // A walker speeding up (x = 10 + i^2 / 2): moving a waited frame on at the last velocity falls
  // behind; the newest waiting frame is detected and the ones before it are interpolated.
  const speeding = (i: number): [number, number, number, number] => [10 + (i * i) / 2, 40, 40 + (i * i) / 2, 120];
  const detected: number[] = [];
  const events: TracksEvent[] = [];
  const spec: PipelineSpec = { name: 'walk', source: { name: 'walk', type: 'video', uri: 'file:///walk.mp4', fps: 10, loop: false }, detect: { model: 'centernet', classes: [], scoreThreshold: 0.3 }, track: { tracker: 'bytetrack' }, sinks: ['live'] };
  const pipeline = new CameraPipeline(1, spec, stages(detected, 330, undefined, speeding), { onTracks: (e) => events.push(e), onState: () => undefined }, { stallMs: 5000, reconnectMaxMs: 1000, realtime: true });
  pipeline.start();
  await pipeline.done;
  assert.deepEqual(events.map((e) => e.frameIndex), Array.from({ length: FRAMES }, (_, i) => i), 'published in frame order');
  const x = (f: number) => events[f]!.boxes[0]?.xyxy[0];
  const neighbours = (f: number) => [Math.max(...detected.filter((d) => d < f)), Math.min(...detected.filter((d) => d > f))] as const;
  const waited = events.filter((e) => e.predicted && x(e.frameIndex) !== undefined && neighbours(e.frameIndex).every((d) => Number.isFinite(d) && x(d) !== undefined));
  assert.ok(waited.length >= 5, `interpolated frames: ${waited.length}`);
  for (const e of waited) {
    const [before, after] = neighbours(e.frameIndex);
    const u = (e.frameIndex - before) / (after - before);
    const line = x(before)! + (x(after)! - x(before)!) * u;
    assert.ok(Math.abs(x(e.frameIndex)! - line) <= 1, `frame ${e.frameIndex}: x ${x(e.frameIndex)} on the line from frame ${before} to ${after} (${line})`);
  }
});
