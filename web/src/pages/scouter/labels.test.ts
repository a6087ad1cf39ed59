import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeLabel, droppedLabel, predictedLabel } from './labels.ts';

const cases = [
  { head: 'gender', v: { value: 'female', confidence: 0.82 }, min: 0.6, want: 'female, 82%' },
  { head: 'gender', v: { value: 'female', confidence: 0.02 }, min: 0.6, want: 'unknown' },
  { head: 'age', v: { value: 31.4, confidence: 0.7 }, min: 0.6, want: '31 years, 70%' },
  { head: 'age', v: { value: 31.4, confidence: 0.59 }, min: 0.6, want: 'unknown' },
  { head: 'gender', v: { value: 'male', confidence: 0.6 }, min: 0.6, want: 'male, 60%' },
];
for (const c of cases) {
  test(`${c.head} ${c.v.value} at ${c.v.confidence} with the setting ${c.min} reads "${c.want}"`, () => {
    assert.equal(attributeLabel(c.head, c.v, c.min), c.want);
  });
}

test('dropped frames read as a share of the frames decoded', () => {
  const stats = { framesDecoded: 3900, framesProcessed: 3750, framesDropped: 150, framesPredicted: 0, reconnects: 0, fps: 10, latencyMsP50: 40, latencyMsP95: 80 };
  assert.equal(droppedLabel(stats), '150 of 3900 dropped (3.8%)');
  assert.equal(droppedLabel({ ...stats, framesDecoded: 0, framesDropped: 0 }), '0 of 0 dropped');
});

test('predicted frames read as a share of the frames processed', () => {
  const stats = { framesDecoded: 3900, framesProcessed: 3750, framesDropped: 150, framesPredicted: 500, reconnects: 0, fps: 10, latencyMsP50: 40, latencyMsP95: 80 };
  assert.equal(predictedLabel(stats), '500 of 3750 predicted (13.3%)');
  assert.equal(predictedLabel({ ...stats, framesProcessed: 0, framesPredicted: 0 }), '0 of 0 predicted');
});
