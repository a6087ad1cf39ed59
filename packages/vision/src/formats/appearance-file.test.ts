import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAppearance, parseAppearance } from './appearance-file.ts';

test('appearance lines round-trip in detection order, blank lines skipped', () => {
  const text = formatAppearance(1, [Float32Array.of(0.5, -1.25), Float32Array.of(1 / 3, 2)]) + '\n' + formatAppearance(4, [[7, 8]]) + formatAppearance(5, []);
  assert.equal(text.split('\n')[0], '1,1,0.5,-1.25');
  const parsed = parseAppearance(text, 'a.txt');
  assert.deepEqual([...parsed.keys()], [1, 4]);
  assert.deepEqual(parsed.get(1)!.map((e) => Array.from(e)), [[0.5, -1.25], [Math.fround(0.33333), 2]]);
  assert.deepEqual(Array.from(parsed.get(4)![0]!), [7, 8]);
});

test('a malformed appearance line names the file and line', () => {
  const cases: Array<[string, RegExp]> = [
    ['1,1\n', /a\.txt:1: expected frame,n,v1,\.\.\.,vD/],
    ['1,1,0.5\n\n1,2,x\n', /a\.txt:3: expected frame,n,v1/],
    ['0,1,0.5\n', /a\.txt:1: frame must be a whole number >= 1, got 0/],
    ['2,1,0.5\n2,3,0.5\n', /a\.txt:2: frame 2: expected detection 2, got 3/],
    ['2,1,0.5\n2,1,0.5\n', /a\.txt:2: frame 2: expected detection 2, got 1/],
    ['1,1,0.5,1\n2,1,0.5\n', /a\.txt:2: 1 values, but the first line has 2/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseAppearance(text, 'a.txt'), message);
});
