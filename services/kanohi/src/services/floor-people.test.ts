import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countEntries, DEFAULT_LINK_OPTIONS, gapSamples, linkFragments, peoplePresentPerSecond, type Fragment, type PersonSample } from './floor-people.ts';

const fragment = (id: number, startMs: number, endMs: number, startXy: [number, number], endXy: [number, number]): Fragment => ({ id, startMs, endMs, startXy, endXy });

describe('linkFragments', () => {
  test('a walker broken into three tracks by the tracker is one floor person', () => {
    const people = linkFragments([
      fragment(10, 0, 4000, [0, 0], [4, 0]),
      fragment(11, 4300, 8000, [4.3, 0], [8, 0]),
      fragment(12, 9000, 12000, [9.2, 0], [12, 0]),
    ]);
    assert.deepEqual([...people.personOf], [[10, 10], [11, 10], [12, 10]]);
    assert.deepEqual(people.links, [[10, 11], [11, 12]]);
  });

  test('too late, too far, or overlapping in time: separate people', () => {
    const people = linkFragments([
      fragment(1, 0, 4000, [0, 0], [4, 0]),
      fragment(2, 7500, 9000, [4, 0], [5, 0]), // 3.5 s later: beyond the 3 s gap
      fragment(3, 4500, 9000, [10, 0], [12, 0]), // 0.5 s later but 6 m away (reach 1.75 m)
      fragment(4, 3500, 9000, [4, 0.2], [6, 0]), // starts before 1 ends: two boxes at once
    ]);
    assert.deepEqual([...new Set(people.personOf.values())].sort((a, b) => a - b), [1, 2, 3, 4]);
  });

  test('two people meeting a broken track: the closer continuation wins, each piece continues one only', () => {
    const people = linkFragments([
      fragment(1, 0, 5000, [5, 5], [5, 5]),
      fragment(2, 5200, 9000, [6.2, 5], [9, 5]),
      fragment(3, 5300, 9000, [5.1, 5], [2, 5]),
    ]);
    assert.equal(people.personOf.get(3), 1, 'the piece starting 0.1 m away continues the walker');
    assert.equal(people.personOf.get(2), 2, 'the other one is someone else');
  });

  test('appearance: a continuation whose known gender (or class) differs is someone else; unknown values do not block', () => {
    const a = { ...fragment(1, 0, 4000, [0, 0], [4, 0]), appearance: { className: 'person', gender: 'female', ageBand: '' } };
    const closer = { ...fragment(2, 4200, 8000, [4.1, 0], [8, 0]), appearance: { className: 'person', gender: 'male', ageBand: '' } };
    const farther = { ...fragment(3, 4300, 8000, [4.6, 0], [2, 0]), appearance: { className: 'person', gender: 'female', ageBand: '25-34' } };
    const people = linkFragments([a, closer, farther]);
    assert.equal(people.personOf.get(3), 1, 'the same gender continues her, though 0.5 m farther');
    assert.equal(people.personOf.get(2), 2, 'the closer piece is a man: someone else');
    const unknown = linkFragments([a, { ...closer, appearance: { className: 'person', gender: '', ageBand: '' } }]);
    assert.equal(unknown.personOf.get(2), 1, 'no gender estimated: place and time decide');
    const bicycle = linkFragments([fragment(1, 0, 4000, [0, 0], [4, 0]), { ...fragment(2, 4200, 8000, [4.1, 0], [8, 0]), appearance: { className: 'bicycle' } }]);
    assert.equal(bicycle.personOf.get(2), 1, 'appearance known on one side only does not block');
    assert.equal(linkFragments([{ ...a, appearance: { className: 'person' } }, { ...closer, appearance: { className: 'bicycle' } }]).personOf.get(2), 2, 'a person does not become a bicycle');
  });

  test('fragments shorter than the minimum dwell are ignored, and linking reaches over them', () => {
    const people = linkFragments([
      fragment(1, 0, 3000, [0, 0], [3, 0]),
      fragment(2, 3100, 3400, [3.1, 0], [3.3, 0]),
      fragment(3, 3500, 6000, [3.4, 0], [6, 0]),
      fragment(4, 100, 500, [20, 20], [20, 20]),
    ]);
    assert.deepEqual(people.ignored, [2, 4]);
    assert.equal(people.personOf.get(3), 1);
    assert.equal(people.personOf.has(2), false);
    assert.equal(DEFAULT_LINK_OPTIONS.minDwellMs, 700);
  });
});

test('gapSamples: a re-joined person is present, on the straight line, while the tracker lost them', () => {
  const fragments = [fragment(1, 0, 3000, [0, 0], [3, 0]), fragment(2, 5500, 8000, [5.5, 0], [8, 0])];
  const people = linkFragments(fragments, { ...DEFAULT_LINK_OPTIONS, maxDistanceM: 0.1 });
  assert.deepEqual(people.links, [[1, 2]]);
  assert.deepEqual(gapSamples(fragments, people), [
    { person: 1, timeMs: 4000, xy: [4, 0] },
    { person: 1, timeMs: 5000, xy: [5, 0] },
  ]);
});

describe('peoplePresentPerSecond and countEntries', () => {
  const walk = (person: number, fromMs: number, toMs: number, x0: number, dx: number): PersonSample[] =>
    Array.from({ length: Math.floor((toMs - fromMs) / 100) }, (_, i) => ({ person, timeMs: fromMs + i * 100, xy: [x0 + dx * i, 0] as const }));

  test('distinct people per whole second of the window', () => {
    const samples = [...walk(1, 0, 2500, 0, 0.1), ...walk(2, 1500, 3000, 0, 0.1), ...walk(1, 1000, 1200, 0, 0)];
    assert.deepEqual(peoplePresentPerSecond(samples, 0, 4000), [1, 2, 2, 0]);
  });

  test('an entry is a step from outside to inside, or appearing inside', () => {
    const zone = (xy: readonly [number, number]) => xy[0] >= 2 && xy[0] < 4;
    // Person 1 walks through the zone (one entry); person 2 appears inside, leaves and comes back (two).
    const samples = [...walk(1, 0, 6000, 0, 0.1), ...walk(2, 0, 1000, 3, 0.2), ...walk(2, 1000, 3000, 5, -0.1)];
    const result = countEntries(samples, zone);
    assert.equal(result.entries, 3);
    assert.equal(result.people, 2);
    assert.deepEqual(result.times, [0, 2000, 2100]);
  });
});
