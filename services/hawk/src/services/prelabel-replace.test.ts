import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, type HawkBox, type HawkLabelSchema, type HawkTrack } from '@sightline/contracts';
import { prelabelPatch } from './prelabel-patch.ts';
import { modelWrites, unchangedModelWork } from './prelabel-replace.ts';

const schema: HawkLabelSchema = { classes: [{ name: 'person', color: '#e53e3e', attributes: [{ name: 'occluded', type: 'checkbox', default: false }] }] };
const box = (id: string, x: number, label = 'person'): HawkBox => ({ id, label, xyxy: [x, 10, x + 20, 60], attributes: { occluded: false }, score: 0.9 });
const track = (id: string, frames: number[], outsideAt?: number): HawkTrack => ({
  id,
  label: 'person',
  attributes: { occluded: false },
  keyframes: [...frames.map((frame) => ({ frame, xyxy: [frame, 0, frame + 10, 30] as [number, number, number, number], outside: false })), ...(outsideAt === undefined ? [] : [{ frame: outsideAt, xyxy: [0, 0, 10, 30] as [number, number, number, number], outside: true }])],
});

test('canonical JSON ignores key order, not values', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: true } }), canonicalJson({ a: { c: true, d: [1, 2] }, b: 1 }));
  assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
});

// The model wrote boxes m1 (frame 2), m2 (frame 3), m9 (frame 9) and tracks t1 (frames 2..4, then
// outside at 5), t2 (frames 4..8); a person drew h1 and moved m2 afterwards.
const writes = modelWrites([
  { frames: { '2': [box('model-1-f2-0', 5)], '3': [box('model-1-f3-0', 40), box('h1', 100)], '9': [box('model-1-f9-0', 5)] }, tracks: [track('model-1-t1', [2, 3, 4], 5), track('model-1-t2', [4, 5, 6, 7, 8])] },
]);
const now: Record<string, HawkBox[]> = { '2': [box('model-1-f2-0', 5)], '3': [box('model-1-f3-0', 47), box('h1', 100)], '9': [box('model-1-f9-0', 5)] };
const nowTracks = [track('model-1-t1', [2, 3, 4], 5), track('model-1-t2', [4, 5, 6, 7, 8]), track('h-track', [2, 3])];

test('only untouched model output inside the range is replaced', () => {
  const cases = [
    { name: 'range 0..5', from: 0, to: 5, boxes: ['model-1-f2-0'], tracks: ['model-1-t1'] },
    { name: 'range 0..9', from: 0, to: 9, boxes: ['model-1-f2-0', 'model-1-f9-0'], tracks: ['model-1-t1', 'model-1-t2'] },
    { name: 'range 3..9 (t1 starts before it)', from: 3, to: 9, boxes: ['model-1-f9-0'], tracks: ['model-1-t2'] },
    { name: 'range 10..20', from: 10, to: 20, boxes: [], tracks: [] },
  ];
  for (const c of cases) {
    const work = unchangedModelWork(now, nowTracks, writes, c.from, c.to);
    assert.deepEqual([...work.boxIds].sort(), c.boxes, c.name);
    assert.deepEqual([...work.trackIds].sort(), c.tracks, c.name);
  }
  const relabelled = unchangedModelWork({ '2': [{ ...box('model-1-f2-0', 5), attributes: { occluded: true } }] }, [{ ...nowTracks[0]!, label: 'cyclist' }], writes, 0, 9);
  assert.equal(relabelled.boxIds.size + relabelled.trackIds.length, 0, 'edited attributes or labels make the box a person\'s');
});

test('a replacing patch drops the old model boxes, keeps the rest and adds the new run', () => {
  const replacing = unchangedModelWork(now, nowTracks, writes, 0, 9);
  const result = { frames: [{ frame: 2, boxes: [{ label: 'person', xyxy: [6, 10, 26, 60] as [number, number, number, number], score: 0.8, trackId: null }] }, { frame: 3, boxes: [] }] };
  const { patch, boxes, replaced } = prelabelPatch(2, result, now, schema, 20, 1.5, replacing);
  assert.equal(boxes, 1);
  assert.equal(replaced, 4);
  assert.deepEqual(patch.frames['2']!.map((b) => b.id), ['model-2-f2-0']);
  assert.equal(patch.frames['3'], undefined, 'frame 3 had nothing to replace or add');
  assert.deepEqual(patch.frames['9'], [], 'a frame whose only model box goes is written empty');
  assert.deepEqual(patch.deletedTrackIds.sort(), ['model-1-t1', 'model-1-t2']);
  const plain = prelabelPatch(2, result, now, schema, 20);
  assert.deepEqual(plain.patch.frames['2']!.map((b) => b.id), ['model-1-f2-0', 'model-2-f2-0'], 'without replace the model only adds');
  assert.equal(plain.replaced, 0);
});
