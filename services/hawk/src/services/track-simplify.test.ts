import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HawkXyxy } from '@sightline/contracts';
import { trackFromSightings } from './track-building.ts';
import { simplifyKeyframes } from './track-simplify.ts';
import { trackBoxAt } from './track-interpolation.ts';

const walk = (frames: number[], at: (f: number) => HawkXyxy) => new Map(frames.map((f) => [f, at(f)] as const));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

const cases: { name: string; at: Map<number, HawkXyxy>; lastFrame: number; maxKeyframes: number }[] = [
  { name: 'straight walk', at: walk(range(0, 40), (f) => [10 + 3 * f, 20, 60 + 3 * f, 120]), lastFrame: 40, maxKeyframes: 2 },
  { name: 'walk that turns back', at: walk(range(0, 40), (f) => [10 + 3 * Math.min(f, 20) - 3 * Math.max(0, f - 20), 20, 60 + 3 * Math.min(f, 20) - 3 * Math.max(0, f - 20), 120]), lastFrame: 40, maxKeyframes: 3 },
  { name: 'jittery detector boxes', at: walk(range(5, 60), (f) => [100 + f + ((f * 7) % 3) - 1, 50, 150 + f, 160 + ((f * 5) % 2)]), lastFrame: 80, maxKeyframes: 60 },
  { name: 'gap and exit', at: walk([...range(0, 10), ...range(20, 30)], (f) => [f, f, f + 40, f + 80]), lastFrame: 50, maxKeyframes: 6 },
];

for (const c of cases) {
  test(`simplified track reproduces the boxes within tolerance: ${c.name}`, () => {
    const full = trackFromSightings('t', { label: 'person', attributes: {}, at: c.at }, c.lastFrame);
    const tolerance = 1.5;
    const kept = simplifyKeyframes(full.keyframes, tolerance);
    assert.ok(kept.length <= c.maxKeyframes, `${kept.length} keyframes left of ${full.keyframes.length}`);
    assert.ok(kept.length <= full.keyframes.length);
    for (let f = 0; f <= c.lastFrame; f++) {
      const want = trackBoxAt(full.keyframes, f);
      const got = trackBoxAt(kept, f);
      if (want === null) assert.equal(got, null, `frame ${f} must stay hidden`);
      else {
        assert.ok(got, `frame ${f} lost its box`);
        got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) <= tolerance + 1e-9, `frame ${f}: ${got} vs ${want}`));
      }
    }
  });
}
