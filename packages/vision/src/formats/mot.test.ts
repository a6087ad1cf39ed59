import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { detectionsToMotRows, formatMot, groupMotByFrame, MotFormatError, motRowsToDetections, parseMot, readMotFile } from './mot.ts';

test('parses det, gt and result rows; short rows get defaults', () => {
  const rows = parseMot('1,-1,10.5,20,30,40,0.93,-1,-1,-1\r\n\n2,7,1,1,5,6,0,1,0.25\n3,2,4,4,2,2\n', 'x.txt');
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0], { frame: 1, id: -1, x: 10.5, y: 20, w: 30, h: 40, conf: 0.93, xOrClass: -1, yOrVisibility: -1, z: -1 });
  assert.deepEqual(rows[1], { frame: 2, id: 7, x: 1, y: 1, w: 5, h: 6, conf: 0, xOrClass: 1, yOrVisibility: 0.25, z: -1 });
  assert.equal(rows[2]!.conf, 1);
  assert.equal(rows[2]!.z, -1);
});

const bad: Array<[string, string, RegExp]> = [
  ['too few fields', '1,2,3,4,5\n', /bad\.txt:1: expected 6 to 10/],
  ['text in a number column', '1,-1,1,1,1,1,0.5\n1,-1,1,abc,1,1,0.5\n', /bad\.txt:2: column 4 \(y\) is not a number: "abc"/],
  ['empty field', '\n\n1,,1,1,1,1\n', /bad\.txt:3: column 2 \(id\) is not a number/],
  ['frame 0', '0,1,1,1,1,1\n', /bad\.txt:1: frame must be an integer >= 1/],
  ['fractional id', '1,1.5,1,1,1,1\n', /id must be an integer/],
  ['negative width', '1,1,1,1,-3,1\n', /width and height must not be negative/],
  ['eleven fields', '1,1,1,1,1,1,1,1,1,1,1\n', /found 11 field/],
];
for (const [name, text, message] of bad) {
  test(`rejects ${name} naming file and line`, () => {
    assert.throws(() => parseMot(text, 'bad.txt'), (err: unknown) => err instanceof MotFormatError && message.test(err.message));
  });
}

test('readMotFile names a missing file and what to do', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mot-'));
  try {
    await assert.rejects(readMotFile(join(dir, 'nope.txt')), /nope\.txt: file not found; check the path/);
    const file = join(dir, 'ok.txt');
    await writeFile(file, '1,1,1,1,2,2,1\nnot,a,row\n');
    await assert.rejects(readMotFile(file), new RegExp(`ok\\.txt:2: expected 6 to 10`));
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('1-based MOT boxes become 0-based xyxy Detections and back', () => {
  const rows = parseMot('4,9,1,1,10,20,0.8,-1,-1,-1\n4,3,101.5,51,4,8,0.4,-1,-1,-1\n');
  const dets = motRowsToDetections(rows);
  assert.deepEqual(dets.box(0), [0, 0, 10, 20]);
  assert.deepEqual(dets.box(1), [100.5, 50, 104.5, 58]);
  assert.deepEqual([...dets.trackerId], [9, 3]);
  assert.equal(dets.classId[0], 0);
  const back = detectionsToMotRows(4, dets);
  for (const [i, row] of back.entries()) {
    assert.equal(row.x, rows[i]!.x);
    assert.equal(row.y, rows[i]!.y);
    assert.equal(row.w, rows[i]!.w);
    assert.equal(row.id, rows[i]!.id);
    assert.ok(Math.abs(row.conf - rows[i]!.conf) < 1e-6);
  }
});

test('formatMot writes sorted ten-column rows that parse back to the same values', () => {
  const dets = Detections.fromRows([
    { xyxy: [10, 20, 40.25, 80], confidence: 0.5, classId: 0, trackerId: 2 },
    { xyxy: [0, 0, 5, 5], confidence: 1, classId: 0, trackerId: 1 },
  ]);
  const text = formatMot([...detectionsToMotRows(2, dets), ...detectionsToMotRows(1, dets)]);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], '1,1,1,1,5,5,1,-1,-1,-1');
  assert.equal(lines[1], '1,2,11,21,30.25,60,0.5,-1,-1,-1');
  const again = parseMot(text);
  assert.deepEqual(again.map((r) => [r.frame, r.id]), [[1, 1], [1, 2], [2, 1], [2, 2]]);
  assert.deepEqual([...groupMotByFrame(again).keys()], [1, 2]);
});
