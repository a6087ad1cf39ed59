import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxIou } from '@sightline/vision';
import { agreementScore, mergeFrame, type ReplicaScore } from './consensus-merge.ts';
import type { FrameBox } from './track-interpolation.ts';

const b = (xyxy: [number, number, number, number], label = 'person', attributes: FrameBox['attributes'] = {}, trackId: string | null = null): FrameBox => ({ id: 'x', label, xyxy, attributes, trackId });

test('boxIou, as the merge uses it: identical, disjoint, half-overlapping and empty boxes', () => {
  const cases: [number[], number[], number][] = [
    [[0, 0, 10, 10], [0, 0, 10, 10], 1],
    [[0, 0, 10, 10], [20, 20, 30, 30], 0],
    [[0, 0, 10, 10], [5, 0, 15, 10], 50 / 150],
    [[0, 0, 0, 10], [0, 0, 10, 10], 0],
  ];
  for (const [a, c, want] of cases) assert.ok(Math.abs(boxIou(a, 0, c, 0) - want) < 1e-12, `${a} vs ${c}`);
});

test('mergeFrame: quorum, majority label and attributes, mean box, per-replica counts', () => {
  const replicas = [
    [b([0, 0, 10, 10], 'person', { coat: 'red' }), b([50, 50, 60, 60], 'car')],
    [b([1, 0, 11, 10], 'person', { coat: 'blue' })],
    [b([0, 1, 10, 11], 'car', { coat: 'blue' })],
  ];
  const scores: ReplicaScore[] = replicas.map(() => ({ matched: 0, drawn: 0, kept: 0 }));
  const merged = mergeFrame(replicas, 0.5, 0.5, scores);
  assert.equal(merged.length, 1, 'the lone car (1 of 3 replicas) misses a quorum of 2');
  assert.equal(merged[0]!.label, 'person');
  assert.equal(merged[0]!.votes, 3);
  assert.deepEqual(merged[0]!.xyxy, [0.5, 0, 10.5, 10], 'mean of the two person boxes');
  assert.equal(merged[0]!.attributes.coat, 'red', 'tie between red and blue goes to the first replica');
  assert.deepEqual(scores, [{ matched: 1, drawn: 2, kept: 1 }, { matched: 1, drawn: 1, kept: 1 }, { matched: 0, drawn: 1, kept: 1 }]);
  assert.deepEqual(scores.map(agreementScore), [0.5, 1, 0]);
});

test('mergeFrame: a replica contributes at most one box per object; boxes below minIou stay apart', () => {
  const scores: ReplicaScore[] = [{ matched: 0, drawn: 0, kept: 0 }, { matched: 0, drawn: 0, kept: 0 }];
  const merged = mergeFrame([[b([0, 0, 10, 10]), b([1, 1, 11, 11])], [b([0, 0, 10, 10]), b([30, 0, 40, 10])]], 0.5, 1, scores);
  assert.equal(merged.length, 1);
  assert.deepEqual(merged[0]!.xyxy, [0, 0, 10, 10], 'the exact match wins the greedy pairing');
});

test('agreementScore is 1 when neither side has boxes', () => {
  assert.equal(agreementScore({ matched: 0, drawn: 0, kept: 0 }), 1);
});
