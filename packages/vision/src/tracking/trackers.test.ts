import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { ByteTracker } from './byte-tracker.ts';
import { SortTracker } from './sort-tracker.ts';
import { trackedRows } from './tracked-rows.ts';
import type { Tracker } from './tracker.ts';

type Box = { x: number; y: number; score?: number; emb?: number[] };
const frame = (boxes: Box[]): Detections => {
  const d = Detections.fromRows(boxes.map((b) => ({ xyxy: [b.x, b.y, b.x + 30, b.y + 80] as const, confidence: b.score ?? 0.9, classId: 0 })));
  return boxes.some((b) => b.emb) ? d.withData('embedding', boxes.map((b) => b.emb)) : d;
};
/** The id reported for the box nearest x in a tracker output (-1 when none within 15 px). */
const idNear = (out: Detections, x: number, tolerance = 15): number => {
  for (let i = 0; i < out.length; i++) if (Math.abs(out.xyxy[i * 4]! - x) < tolerance) return out.trackerId[i]!;
  return -1;
};

const makers: Array<[string, () => Tracker]> = [
  ['bytetrack', () => new ByteTracker()],
  ['sort', () => new SortTracker()],
];

for (const [name, make] of makers) {
  test(`${name}: two people walking apart keep distinct, stable ids`, () => {
    const tracker = make();
    const seen: Array<[number, number]> = [];
    for (let t = 0; t < 20; t++) {
      const out = tracker.update(frame([{ x: 100 + 3 * t, y: 50 }, { x: 300 - 3 * t, y: 60 }]));
      if (t >= 3) seen.push([idNear(out, 100 + 3 * t), idNear(out, 300 - 3 * t)]);
    }
    const [a, b] = seen[0]!;
    assert.ok(a > 0 && b > 0 && a !== b, `ids ${a} ${b}`);
    for (const pair of seen) assert.deepEqual(pair, [a, b]);
  });

  test(`${name}: reset starts ids again from 1`, () => {
    const tracker = make();
    for (let t = 0; t < 4; t++) tracker.update(frame([{ x: 10, y: 10 }]));
    tracker.reset();
    let out = Detections.empty();
    for (let t = 0; t < 4; t++) out = tracker.update(frame([{ x: 500, y: 10 }]));
    assert.deepEqual([...out.trackerId], [1]);
  });
}

test('bytetrack: a person missed for 5 frames comes back with the same id; sort gives a new one', () => {
  const run = (tracker: Tracker) => {
    const ids: number[] = [];
    for (let t = 0; t < 20; t++) {
      const out = tracker.update(t >= 8 && t < 13 ? frame([]) : frame([{ x: 100 + 2 * t, y: 40 }]));
      if (out.length > 0) ids.push(out.trackerId[0]!);
    }
    return ids;
  };
  const byte = run(new ByteTracker());
  assert.equal(new Set(byte).size, 1, `ids ${byte}`);
  const sort = run(new SortTracker());
  assert.equal(new Set(sort).size, 2, `ids ${sort}`);
});

test('bytetrack elapsed: a walker detected only on some frames keeps its id when told how many frames passed; stepping once per call loses it', () => {
  // 10 px a frame with a 30 px box: after 4 frames unseen the person is 40 px on, beyond one step's overlap.
  const seenAt = [0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 16, 20, 21, 22];
  const idsWith = (told: boolean): number[] => {
    const tracker = new ByteTracker({ frameRate: 10 });
    const ids: number[] = [];
    seenAt.forEach((f, k) => {
      const out = tracker.update(frame([{ x: 100 + 10 * f, y: 50 }]), told && k > 0 ? f - seenAt[k - 1]! : 1);
      if (f >= 6) ids.push(idNear(out, 100 + 10 * f));
    });
    return ids;
  };
  const told = idsWith(true);
  assert.ok(told[0]! > 0 && told.every((id) => id === told[0]), `ids ${told}`);
  assert.notDeepEqual(idsWith(false), told, 'one step per call predicts the walker 10 px on instead of 40 and breaks the track');
});

test('bytetrack: low-score detections keep a track alive but never start one', () => {
  const tracker = new ByteTracker();
  let out = Detections.empty();
  for (let t = 0; t < 5; t++) out = tracker.update(frame([{ x: 100 + t, y: 40, score: 0.9 }]));
  const id = out.trackerId[0]!;
  for (let t = 5; t < 10; t++) {
    out = tracker.update(frame([{ x: 100 + t, y: 40, score: 0.3 }, { x: 400, y: 40, score: 0.3 }]));
    assert.deepEqual([...out.trackerId], [id], 'the occluded person is still tracked; the lone low-score box is not');
    assert.ok(Math.abs(out.confidence[0]! - 0.3) < 1e-6);
  }
});

test('bytetrack: a one-frame detection is never reported; the second frame confirms', () => {
  const tracker = new ByteTracker();
  tracker.update(frame([{ x: 10, y: 10 }]));
  assert.equal(tracker.update(frame([{ x: 10, y: 10 }, { x: 300, y: 10 }])).length, 1);
  assert.equal(tracker.update(frame([{ x: 10, y: 10 }, { x: 300, y: 10 }])).length, 2);
  assert.equal(tracker.update(frame([{ x: 10, y: 10 }])).length, 1);
});

test('bytetrack output policy: past the first minHits frames, a new track is reported from its minHits-th consecutive match', () => {
  for (const [minHits, want] of [[3, [1, 1, 2, 2]], [1, [1, 2, 2, 2]], [5, [1, 1, 1, 1]]] as const) {
    for (const motion of ['xysr', 'xyah'] as const) {
      const tracker = new ByteTracker({ minHits, motion });
      for (let t = 0; t < 6; t++) tracker.update(frame([{ x: 10, y: 10 }]));
      const counts = [0, 1, 2, 3].map(() => tracker.update(frame([{ x: 10, y: 10 }, { x: 300, y: 10 }])).length);
      assert.deepEqual(counts, want, `minHits ${minHits} ${motion}`);
    }
  }
});

test('bytetrack output policy: a reported track that comes back from lost is reported at once', () => {
  const tracker = new ByteTracker();
  const seen: number[] = [];
  for (let t = 0; t < 16; t++) seen.push(tracker.update(t >= 6 && t < 9 ? frame([]) : frame([{ x: 100 + 2 * t, y: 40 }])).length);
  assert.deepEqual(seen.slice(9), [1, 1, 1, 1, 1, 1, 1]);
});

test('sort: past the first 3 frames, a new track is reported once 3 matches follow its first detection', () => {
  const tracker = new SortTracker();
  for (let t = 0; t < 4; t++) tracker.update(frame([{ x: 10, y: 10 }]));
  const counts = [0, 1, 2, 3].map(() => tracker.update(frame([{ x: 10, y: 10 }, { x: 300, y: 10 }])).length);
  assert.deepEqual(counts, [1, 1, 1, 2]);
});

test('bytetrack appearance hook: embeddings keep ids right when two people swap places between frames', () => {
  // Frames 0..5: A at x=100, B at x=108 (IoU 0.58). Then they swap places.
  const a = [1, 0, 0, 0];
  const b = [0, 1, 0, 0];
  const run = (tracker: ByteTracker, withEmb: boolean) => {
    let before = Detections.empty();
    for (let t = 0; t < 6; t++) before = tracker.update(frame([{ x: 100, y: 40, ...(withEmb ? { emb: a } : {}) }, { x: 108, y: 40, ...(withEmb ? { emb: b } : {}) }]));
    const after = tracker.update(frame([{ x: 108, y: 40, ...(withEmb ? { emb: a } : {}) }, { x: 100, y: 40, ...(withEmb ? { emb: b } : {}) }]));
    const ids = { aBefore: idNear(before, 100, 2), aAfter: idNear(after, 108, 2) };
    assert.ok(ids.aBefore > 0 && ids.aAfter > 0, JSON.stringify(ids));
    return ids;
  };
  const plain = run(new ByteTracker({ boxes: 'detection' }), false);
  assert.notEqual(plain.aAfter, plain.aBefore, 'without appearance the swap follows the boxes');
  const cued = run(new ByteTracker({ boxes: 'detection', appearance: { key: 'embedding' } }), true);
  assert.equal(cued.aAfter, cued.aBefore, 'with appearance the id follows the person');
});

test('boxes: detection returns the input boxes, filtered the Kalman estimate', () => {
  const det = new ByteTracker({ boxes: 'detection' });
  const fil = new ByteTracker();
  let d = Detections.empty();
  let f = Detections.empty();
  for (let t = 0; t < 6; t++) {
    const input = frame([{ x: 100 + 5 * t + (t % 2 ? 3 : -3), y: 40 }]);
    d = det.update(input);
    f = fil.update(input);
    if (t > 0) assert.deepEqual(d.box(0), input.box(0));
  }
  assert.notDeepEqual(f.box(0), d.box(0));
});

/** A random crowd walking for `frames` frames: jittered boxes, misses, scores spread over 0.05..1, and new people. */
function crowdFrames(seed: number, n: number, frames: number): Detections[] {
  let s = seed;
  const rand = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const side = Math.sqrt(n) * 70;
  const people = Array.from({ length: n }, () => ({ x: rand() * side, y: rand() * side, vx: rand() * 6 - 3, vy: rand() * 4 - 2 }));
  return Array.from({ length: frames }, () => {
    if (rand() < 0.3) people.push({ x: rand() * side, y: rand() * side, vx: rand() * 6 - 3, vy: 0 });
    const rows = [];
    for (const p of people) {
      p.x += p.vx;
      p.y += p.vy;
      if (rand() < 0.1) continue;
      const x = p.x + rand() * 6 - 3;
      const y = p.y + rand() * 6 - 3;
      rows.push({ xyxy: [x, y, x + 25 + rand() * 10, y + 70 + rand() * 20] as const, confidence: 0.05 + rand() * 0.95, classId: 0 });
    }
    return Detections.fromRows(rows);
  });
}

const gatedPairs: Array<[string, (gating: boolean) => Tracker]> = [
  ['bytetrack', (gating) => new ByteTracker({ gating })],
  ['bytetrack xyah, minHits 1', (gating) => new ByteTracker({ gating, motion: 'xyah', minHits: 1 })],
  ['bytetrack, appearance', (gating) => new ByteTracker({ gating, appearance: { key: 'embedding' } })],
  ['bytetrack, OC-SORT momentum and recovery', (gating) => new ByteTracker({ gating, directionWeight: 0.2, recoveryIou: 0.3, trackBuffer: 30 })],
  ['sort', (gating) => new SortTracker({ gating })],
];

for (const [name, make] of gatedPairs) {
  test(`${name}: the gated path returns exactly what the dense path returns on random crowds`, () => {
    for (const [seed, n] of [[1, 20], [2, 120], [3, 300]] as const) {
      let frames = crowdFrames(seed, n, 40);
      if (name.includes('appearance')) frames = frames.map((d, k) => d.withData('embedding', Array.from({ length: d.length }, (_, i) => [Math.sin(i + k), Math.cos(i), 1])));
      const gated = make(true);
      const dense = make(false);
      frames.forEach((d, k) => {
        const a = gated.update(d);
        const b = dense.update(d);
        assert.deepEqual([...a.trackerId], [...b.trackerId], `seed ${seed} frame ${k}`);
        assert.deepEqual([...a.xyxy], [...b.xyxy], `seed ${seed} frame ${k}`);
      });
    }
  });
}

test('bytetrack lostMinIou: a lost track comes back only on a detection overlapping its prediction enough', () => {
  // A person standing at x=100 (30 px wide) is missed 3 frames; a box then appears shifted by dx.
  // IoU of 30-wide boxes shifted by dx: (30 - dx) / (30 + dx).
  const cases: Array<[dx: number, lostMinIou: number, sameId: boolean]> = [
    [4, 0.3, true], // IoU 0.76
    [15, 0.3, true], // IoU 0.33
    [17, 0.3, false], // IoU 0.28
    [17, 0, true], // the first association alone takes IoU x score >= 0.2
    [21, 0, false], // IoU 0.18
  ];
  for (const [dx, lostMinIou, sameId] of cases) {
    const tracker = new ByteTracker({ lostMinIou });
    let first = -1;
    for (let t = 0; t < 6; t++) first = tracker.update(frame([{ x: 100, y: 40 }])).trackerId[0] ?? first;
    for (let t = 0; t < 3; t++) tracker.update(frame([]));
    let after = -1;
    for (let t = 0; t < 4; t++) after = tracker.update(frame([{ x: 100 + dx, y: 40 }])).trackerId[0] ?? after;
    assert.equal(after === first, sameId, `dx ${dx} lostMinIou ${lostMinIou}: ids ${first} -> ${after}`);
  }
});

test('bytetrack confirmedEarlier: a confirmed track hands back its withheld first matches; a short-lived box never appears', () => {
  for (const minHits of [2, 3, 6]) {
    const tracker = new ByteTracker({ minHits, boxes: 'detection' });
    const reported: Array<[number, number, number]> = [];
    for (let f = 1; f <= 20; f++) {
      const boxes: Box[] = [{ x: 10, y: 10 }];
      if (f >= 8) boxes.push({ x: 200 + f, y: 40 }); // a person from frame 8
      if (f >= 12 && f < 12 + minHits - 1) boxes.push({ x: 500, y: 300 }); // a false box, one frame short of confirmation
      const out = tracker.update(frame(boxes));
      for (let i = 0; i < out.length; i++) reported.push([f, out.trackerId[i]!, out.xyxy[i * 4]!]);
      for (const e of tracker.confirmedEarlier()) reported.push([e.frame, e.trackerId, e.xyxy[0]!]);
    }
    const person = reported.filter(([, , x]) => x >= 200 && x < 500);
    assert.deepEqual(person.map(([f]) => f).sort((a, b) => a - b), Array.from({ length: 13 }, (_, k) => 8 + k), `minHits ${minHits}: every frame of the person, from the first`);
    assert.ok(person.every(([f, , x]) => x === 200 + f), `minHits ${minHits}: handed-back boxes are the detections`);
    assert.equal(new Set(person.map(([, id]) => id)).size, 1);
    assert.ok(!reported.some(([, , x]) => x === 500), `minHits ${minHits}: the false box is never written`);
  }
});

test('trackedRows writes what the tracker reports, with handed-back frames, sorted', () => {
  const frames = Array.from({ length: 12 }, (_, f) => frame(f >= 3 ? [{ x: 10 + f, y: 10 }] : []));
  const rows = trackedRows(new ByteTracker({ boxes: 'detection' }), frames, (k) => 100 + 2 * k);
  assert.deepEqual(rows.map((r) => r.frame), Array.from({ length: 9 }, (_, k) => 106 + 2 * k));
  assert.ok(rows.every((r) => r.x === 10 + (r.frame - 100) / 2 + 1), 'MOT x is 1-based');
  const sort = trackedRows(new SortTracker(), frames);
  const direct = new SortTracker();
  assert.deepEqual(sort.map((r) => r.frame), frames.flatMap((d, k) => (direct.update(d).length > 0 ? [k + 1] : [])));
});
