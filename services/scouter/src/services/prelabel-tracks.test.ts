import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachTrackStarts, fillPrelabelTrackGaps, type ResultFrame } from './prelabel-tracks.ts';

const box = (x: number, trackId: number | null, score = 0.8, label = 'person') => ({ label, xyxy: [x, 10, x + 20, 70] as [number, number, number, number], score, trackId });

test('fillPrelabelTrackGaps: a short gap is bridged on the straight line, an untracked box there joins the track, a long gap stays open', () => {
  // Track 1 walks 5 px a frame, missed on frames 2 and 3; frame 3 has an untracked detection of it.
  // Track 2 is missed on frames 1-5.
  const frames: ResultFrame[] = [
    { frame: 10, boxes: [box(0, 1), box(200, 2)] },
    { frame: 11, boxes: [box(5, 1, 0.6)] },
    { frame: 12, boxes: [] },
    { frame: 13, boxes: [box(16, null, 0.35), box(100, null, 0.9)] },
    { frame: 14, boxes: [box(20, 1, 0.7)] },
    { frame: 15, boxes: [] },
    { frame: 16, boxes: [box(200, 2)] },
  ];
  assert.equal(fillPrelabelTrackGaps(frames, 3), 2);
  assert.deepEqual(frames[2]!.boxes, [box(10, 1, 0.6)], 'added on the line, the lower score of the two ends');
  assert.deepEqual(frames[3]!.boxes, [box(16, 1, 0.35), box(100, null, 0.9)], 'the overlapping detection joins; the other stays loose');
  assert.equal(frames.flatMap((f) => f.boxes).filter((b) => b.trackId === 2).length, 2, 'track 2\'s 6-frame gap is over the limit');
  assert.equal(fillPrelabelTrackGaps(frames, 0), 0);
});

test('attachTrackStarts: the untracked box just before a track\'s first box becomes its start', () => {
  const frames: ResultFrame[] = [
    { frame: 0, boxes: [box(0, null), box(300, null)] },
    { frame: 1, boxes: [box(3, 7)] },
  ];
  attachTrackStarts(frames);
  assert.deepEqual(frames[0]!.boxes.map((b) => b.trackId), [7, null]);
});
