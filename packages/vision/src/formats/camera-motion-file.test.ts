import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCameraMotion, parseCameraMotion } from './camera-motion-file.ts';

test('camera-motion lines round-trip, blank lines skipped', () => {
  const text = formatCameraMotion(1, [1, 0, 0, 0, 1, 0]) + '\n' + formatCameraMotion(2, [1.0012345678, -0.002, -3.5, 0.002, 1.0012345678, 0.25]);
  const parsed = parseCameraMotion(text, 'motion.txt');
  assert.deepEqual([...parsed.keys()], [1, 2]);
  assert.deepEqual(parsed.get(2), [1.001235, -0.002, -3.5, 0.002, 1.001235, 0.25]);
});

test('a malformed camera-motion line names the file and line', () => {
  const cases: Array<[string, RegExp]> = [
    ['1,1,0,0,0,1\n', /motion\.txt:1: expected frame,a,b,tx,c,d,ty \(7 numbers\)/],
    ['1,1,0,0,0,1,0\n\n3,1,0,x,0,1,0\n', /motion\.txt:3: expected frame,a,b,tx,c,d,ty/],
    ['0,1,0,0,0,1,0\n', /motion\.txt:1: frame must be a whole number >= 1, got 0/],
    ['2,1,0,0,0,1,0\n2,1,0,1,0,1,0\n', /motion\.txt:2: frame 2 is given twice/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseCameraMotion(text, 'motion.txt'), message);
});
