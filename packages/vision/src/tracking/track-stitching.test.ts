import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MotRow } from '../formats/mot.ts';
import { stitchTracks } from './track-stitching.ts';

const row = (frame: number, id: number, x: number, y = 100, h = 100): MotRow => ({ frame, id, x, y, w: 40, h, conf: 0.9, xOrClass: -1, yOrVisibility: -1, z: -1 });
/** A person walking right 5 px a frame, seen on `frames` under `id`. */
const walk = (id: number, frames: readonly number[], x0 = 0, vx = 5, h = 100) => frames.map((f) => row(f, id, x0 + vx * f, 100, h));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
const ids = (rows: readonly MotRow[]) => [...new Set(rows.map((r) => r.id))].sort((a, b) => a - b);

test('stitchTracks joins a track that ends to the one that starts where the person was heading, filling the gap on a straight line', () => {
  // Person A hidden on frames 21-30 comes back as track 2; person B (track 3) starts far away.
  const rows = [...walk(1, range(1, 20)), ...walk(2, range(31, 50)), ...walk(3, range(31, 50), 600, -5)];
  const { rows: out, joined } = stitchTracks(rows, 15);
  assert.equal(joined, 1);
  assert.deepEqual(ids(out), [1, 3], 'track 2 continues under id 1; track 3 keeps its own');
  const a = out.filter((r) => r.id === 1);
  assert.deepEqual(a.map((r) => r.frame), range(1, 50), 'the hidden frames are filled');
  for (const r of a) assert.ok(Math.abs(r.x - 5 * r.frame) < 1e-9, `frame ${r.frame} at x ${r.x}`);
  assert.deepEqual(out.map((r) => r.frame), [...out.map((r) => r.frame)].sort((p, q) => p - q), 'sorted by frame');
});

test('stitchTracks leaves tracks apart when the gap is too long, the heights disagree or the ends do not meet', () => {
  const first = walk(1, range(1, 20));
  assert.equal(stitchTracks([...first, ...walk(2, range(31, 50))], 9).joined, 0, 'gap of 11 frames over 9');
  assert.equal(stitchTracks([...first, ...walk(2, range(31, 50), 0, 5, 140)], 15).joined, 0, 'a head taller: someone else');
  assert.equal(stitchTracks([...first, ...walk(2, range(31, 50), 400, -5)], 15).joined, 0, 'coming the other way from elsewhere');
  assert.equal(stitchTracks([...first, ...walk(2, range(31, 50))], 0).joined, 0, 'a span of 0 joins nothing');
  assert.equal(stitchTracks([...first, ...walk(2, range(15, 40))], 15).joined, 0, 'tracks that overlap in time are two people');
});

test('stitchTracks with appearance joins only tracks that look alike; the nearer of two candidates wins; chains keep the first id', () => {
  const rows = [...walk(1, range(1, 20)), ...walk(2, range(31, 50))];
  const alike = new Map([[1, Float64Array.of(1, 0)], [2, Float64Array.of(0.8, 0.6)]]);
  const unalike = new Map([[1, Float64Array.of(1, 0)], [2, Float64Array.of(-0.6, 0.8)]]);
  assert.equal(stitchTracks(rows, 15, { appearance: alike }).joined, 1, 'cosine distance 0.2');
  assert.equal(stitchTracks(rows, 15, { appearance: unalike }).joined, 0, 'cosine distance 1.6');
  assert.equal(stitchTracks(rows, 15, { appearance: new Map([[1, Float64Array.of(1, 0)]]) }).joined, 0, 'a track without an appearance is not joined');

  // Two tracks start after track 1 ends: the one on its line (3) is taken, not the one 30 px lower (2).
  const two = [...walk(1, range(1, 20)), ...walk(2, range(31, 50)).map((r) => ({ ...r, y: 130 })), ...walk(3, range(32, 50))];
  assert.deepEqual(ids(stitchTracks(two, 15).rows), [1, 2]);
  // A chain 1 -> 4 -> 5 is written under 1.
  const chain = [...walk(1, range(1, 10)), ...walk(4, range(16, 25)), ...walk(5, range(31, 40))];
  const out = stitchTracks(chain, 10);
  assert.equal(out.joined, 2);
  assert.deepEqual(ids(out.rows), [1]);
});

test('stitchTracks on a stride fills only the stride\'s frames', () => {
  const rows = [...walk(1, [1, 4, 7, 10]), ...walk(2, [22, 25, 28, 31])];
  const out = stitchTracks(rows, 15, { step: 3 });
  assert.equal(out.joined, 1);
  assert.deepEqual(out.rows.map((r) => r.frame), [1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31]);
});
