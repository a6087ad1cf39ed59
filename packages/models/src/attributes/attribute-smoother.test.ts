import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AttributeSmoother } from './attribute-smoother.ts';

test('weighted running means, gender vote and confidence per track', () => {
  const s = new AttributeSmoother();
  s.observe(1, 1, { ageYears: 30, maleProbability: 0.9 }, 1);
  s.observe(2, 1, { ageYears: 60, maleProbability: 0.1 }, 1);
  const t1 = s.observe(1, 2, { ageYears: 40, maleProbability: 0.3 }, 3);
  // Age (30*1 + 40*3) / 4 = 37.5; male (0.9 + 0.9) / 4 = 0.45 -> female, |2*0.45-1| * 2/4 = 0.05.
  assert.equal(t1.ageYears, 37.5);
  assert.equal(t1.gender, 'female');
  assert.ok(Math.abs(t1.genderConfidence - 0.05) < 1e-12);
  assert.equal(t1.observations, 2);
  assert.equal(s.get(2)?.ageYears, 60);
  assert.equal(s.get(3), undefined);
});

test('tracks unseen for longer than the horizon are forgotten', () => {
  const s = new AttributeSmoother(10);
  s.observe(1, 1, { ageYears: 30, maleProbability: 0.9 });
  s.observe(2, 11, { ageYears: 30, maleProbability: 0.9 });
  assert.ok(s.get(1));
  s.observe(2, 12, { ageYears: 30, maleProbability: 0.9 });
  assert.equal(s.get(1), undefined);
});

test('invalid observations are refused', () => {
  const s = new AttributeSmoother();
  assert.throws(() => s.observe(1, 1, { ageYears: Number.NaN, maleProbability: 0.5 }), /invalid/);
  assert.throws(() => s.observe(1, 1, { ageYears: 30, maleProbability: 1.5 }), /invalid/);
  assert.throws(() => s.observe(1, 1, { ageYears: 30, maleProbability: 0.5 }, 0), /invalid/);
});
