import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteTracker, Detections } from '@sightline/vision';
import { cameraX, panFrame, panPeople, panPhoto } from '../../test-support/jerky-pan.fixture.ts';
import { attachEarlierBoxes, fillPrelabelTrackGaps, PrelabelTracker, round1, smoothPrelabelTracks, stitchPrelabelTracks, type ResultFrame } from './prelabel-tracks.ts';

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

test('stitchPrelabelTracks: a track that ends joins the one of its label that starts where it was heading and looks alike; the gap is filled', () => {
  // Person walks right 5 px a frame as track 1 (frames 1-5), hidden on 6-9 (frame 8 holds an
  // untracked detection of them), back 3 px off their line as track 2 (10-14). A car (track 3)
  // starts exactly on the line: only its label keeps it from being joined.
  const frames: ResultFrame[] = Array.from({ length: 14 }, (_, k) => ({ frame: k + 1, boxes: [] as ResultFrame['boxes'] }));
  for (let f = 1; f <= 14; f++) {
    if (f <= 5) frames[f - 1]!.boxes.push(box(5 * f, 1));
    if (f >= 10) frames[f - 1]!.boxes.push(box(5 * f + 3, 2), box(5 * f, 3, 0.8, 'car'));
  }
  frames[7]!.boxes.push(box(41, null, 0.4));
  const look = new Map([[1, Float64Array.of(1, 0)], [2, Float64Array.of(0.9, 0.436)], [3, Float64Array.of(1, 0)]]);
  const copy = structuredClone(frames);
  assert.equal(stitchPrelabelTracks(frames, 10, look), 1);
  const ids = (label: string) => new Set(frames.flatMap((f) => f.boxes.filter((b) => b.label === label).map((b) => b.trackId)));
  assert.deepEqual(ids('person'), new Set([1]), 'one person, one id');
  assert.deepEqual(ids('car'), new Set([3]), 'the car is not joined to the person');
  assert.deepEqual(frames[5]!.boxes, [box(30.6, 1)], 'frame 6 on the straight line from x 25 to 53');
  assert.deepEqual(frames[7]!.boxes, [box(41, 1, 0.4)], 'the loose detection on frame 8 joins');
  const unalike = new Map([[1, Float64Array.of(1, 0)], [2, Float64Array.of(-1, 0)], [3, Float64Array.of(1, 0)]]);
  assert.equal(stitchPrelabelTracks(copy, 10, unalike), 0, 'tracks that do not look alike stay apart');
  assert.equal(copy[5]!.boxes.length, 0);
});

test('attachEarlierBoxes: a confirmed track\'s withheld first boxes get its id, every frame from its first', () => {
  // One person walking 4 px a frame from frame 0, a second from frame 3; ByteTrack confirms a track at its 6th match.
  const tracker = new ByteTracker({ frameRate: 10, boxes: 'detection' });
  const frames: ResultFrame[] = [];
  for (let f = 0; f < 12; f++) {
    const people = [f * 4, ...(f >= 3 ? [200 + f * 4] : [])];
    const found = Detections.fromRows(people.map((x) => ({ xyxy: [x, 10, x + 20, 70] as const, confidence: 0.9, classId: 0 })));
    const tracked = tracker.update(found.withData('source', people.map((_, i) => i)));
    const ids = people.map(() => null as number | null);
    (tracked.data.source as number[]).forEach((s, i) => (ids[s] = tracked.trackerId[i]!));
    frames.push({ frame: 100 + f, boxes: people.map((x, i) => box(x, ids[i]!, 0.9)) });
    attachEarlierBoxes(frames, tracker.confirmedEarlier());
  }
  const second = frames.map((f) => f.boxes.find((b) => b.xyxy[0] >= 200)?.trackId ?? null);
  assert.deepEqual(second.slice(0, 3), [null, null, null]);
  assert.ok(second[3]! > 0 && second.slice(3).every((id) => id === second[3]), `the second person's id on every frame from its first: ${second}`);
  assert.ok(frames.every((f) => f.boxes[0]!.trackId === frames[0]!.boxes[0]!.trackId && f.boxes[0]!.trackId! > 0), 'the first person too');
});

test('PrelabelTracker: a jerky pan keeps three still people\'s identities by moving the tracks with the camera; without compensation they break', async () => {
  const photo = await panPhoto();
  const ids = (tracker: PrelabelTracker): Set<number> => {
    const seen = new Set<number>();
    for (let i = 0; i < cameraX.length; i++) for (const id of tracker.track(panFrame(photo, i), panPeople(i))) if (id >= 0) seen.add(id);
    return seen;
  };
  const settings = { fps: 10, trackerScores: { trackThresh: 0.5, newTrackThresh: 0.6 }, appearance: false };
  assert.equal(ids(new PrelabelTracker(settings)).size, 3);
  const still = ids(new PrelabelTracker({ ...settings, motion: false })).size;
  assert.ok(still >= 6, `without compensation the pan should break identities: ${still} ids`);
});

test('PrelabelTracker: with the appearance cue every box\'s embedding reaches the tracker, and ids come back per detection', async () => {
  const photo = await panPhoto();
  const tracker = new PrelabelTracker({ fps: 10, trackerScores: { trackThresh: 0.5, newTrackThresh: 0.6 }, appearance: true });
  let boxes = 0;
  for (let i = 0; i < 6; i++) {
    const people = panPeople(i);
    const looked = people.withData('embedding', Array.from({ length: people.length }, (_, k) => Float32Array.from({ length: 8 }, (_, c) => (c === k ? 1 : 0))));
    const ids = tracker.track(panFrame(photo, i), looked);
    assert.equal(ids.length, people.length);
    if (i >= 2) assert.equal(new Set(ids).size, 3, `frame ${i}: three confirmed tracks, one per person`);
    boxes += people.length;
  }
  assert.equal(tracker.embeddingsSeen, boxes);
  assert.equal(new PrelabelTracker({ fps: 10, appearance: false }).embeddingsSeen, 0);
});

test('smoothPrelabelTracks: a track\'s jittering top and height are averaged, its horizontal centre kept, clamped to the image; loose boxes stay', () => {
  // Track 7 walks right 5 px a frame, its top jumping 0 / 8 and its bottom with it; at the last frame
  // the smoothed bottom would pass the image's 100 px.
  const tops = [0, 8, 0, 8, 30];
  const frames: ResultFrame[] = tops.map((top, k) => ({ frame: 20 + k, boxes: [{ label: 'person', xyxy: [5 * k, top, 5 * k + 20, top + 60 + (k === 4 ? 10 : 0)] as [number, number, number, number], score: 0.9, trackId: 7 }] }));
  frames[2]!.boxes.push({ label: 'person', xyxy: [300, 1, 320, 61], score: 0.5, trackId: null });
  smoothPrelabelTracks(frames, 1, { width: 640, height: 100 });
  const at = (k: number) => frames[k]!.boxes[0]!.xyxy;
  // Frame 21: frames 20-22, centres 30, 38, 30; heights 60 -> top 32.7 - 30 = 2.7.
  assert.deepEqual(at(1), [5, round1(98 / 3 - 30), 25, round1(98 / 3 + 30)]);
  for (let k = 0; k < 5; k++) assert.equal((at(k)[0] + at(k)[2]) / 2, 5 * k + 10, 'horizontal centre kept');
  assert.ok(at(4)[3] <= 100 && at(4)[1] >= 0, `clamped: ${at(4).join(',')}`);
  assert.deepEqual(frames[2]!.boxes[1]!.xyxy, [300, 1, 320, 61], 'a box of no track stays as detected');
  // Radius 0: nothing moves.
  const before = JSON.stringify(frames);
  smoothPrelabelTracks(frames, 0, { width: 640, height: 100 });
  assert.equal(JSON.stringify(frames), before);
});
