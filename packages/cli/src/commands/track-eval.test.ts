import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/sightline.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sightline-track-'));
after(() => rmSync(dir, { recursive: true }));
const sightline = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

// Three people walking across 40 frames; detections are the gt boxes with small jitter, one
// missed detection per person and one spurious box.
const gtLines: string[] = [];
const detLines: string[] = [];
for (let f = 1; f <= 40; f++) {
  for (const [id, x0, vx, y] of [[1, 10, 4, 20], [2, 400, -3, 60], [3, 200, 1, 300]] as const) {
    const x = x0 + vx * f;
    gtLines.push(`${f},${id},${x},${y},40,100,1,-1,-1,-1`);
    if (f !== 10 + id * 5) detLines.push(`${f},-1,${x + ((f * id) % 3) - 1},${y + ((f + id) % 2)},40,100,${0.7 + 0.1 * id},-1,-1,-1`);
  }
}
detLines.push('20,-1,600,400,40,100,0.65,-1,-1,-1');
const gt = file('gt.txt', gtLines.join('\n') + '\n');
const det = file('det.txt', detLines.join('\n') + '\n');

for (const tracker of ['bytetrack', 'sort']) {
  test(`track --tracker ${tracker} writes MOT results that eval --json scores`, () => {
    const out = join(dir, `res-${tracker}.txt`);
    const run = sightline('track', '--det', det, '--out', out, '--tracker', tracker, '--fps', '25');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${tracker}: 40 frames`));
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    assert.ok(rows.every((r) => r.split(',').length === 10));
    const evaluated = sightline('eval', '--gt', gt, '--res', out, '--json');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const m = JSON.parse(evaluated.stdout) as Record<string, number>;
    assert.deepEqual(Object.keys(m), ['MOTA', 'MOTP', 'IDF1', 'IDP', 'IDR', 'HOTA', 'DetA', 'AssA', 'FP', 'FN', 'IDSW', 'Frag', 'MT', 'PT', 'ML']);
    assert.ok(m.MOTA! > 0.8 && m.MOTA! <= 1, `MOTA ${m.MOTA}`);
    assert.ok(m.IDF1! > 0.8, `IDF1 ${m.IDF1}`);
    assert.equal(m.MT! + m.PT! + m.ML!, 3);
    const text = sightline('eval', '--gt', gt, '--res', out);
    assert.match(text.stdout, /MOTA \d+\.\d\d%[\s\S]*IDF1[\s\S]*HOTA[\s\S]*IDSW \d+/);
  });
}

test('detections on every 5th frame (detect --every 5) are tracked on that stride, not broken by the frames between', () => {
  const sparse = file('det-every5.txt', detLines.filter((l) => Number(l.split(',')[0]) % 5 === 1).join('\n') + '\n');
  const out = join(dir, 'res-every5.txt');
  const run = sightline('track', '--det', sparse, '--out', out, '--fps', '25');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /every 5th frame from frame 1; tracking those frames at 5 fps/);
  assert.match(run.stdout, /bytetrack: 8 frames/);
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((r) => r.split(',').map(Number));
  assert.ok(rows.every(([f]) => f! % 5 === 1), 'rows only on the detected frames');
  assert.equal(new Set(rows.map((r) => r[1])).size, 3, 'one track per person');
  // Scored against the ground truth of the same frames, the three people are followed throughout.
  const gtSparse = file('gt-every5.txt', gtLines.filter((l) => Number(l.split(',')[0]) % 5 === 1).join('\n') + '\n');
  const m = JSON.parse(sightline('eval', '--gt', gtSparse, '--res', out, '--json').stdout) as Record<string, number>;
  assert.equal(m.IDSW, 0);
  assert.ok(m.IDF1! > 0.7, `IDF1 ${m.IDF1}`);
});

test('a malformed row names the file and line; a missing file says so; bad flags show usage', () => {
  const bad = file('bad.txt', '1,-1,10,10,40,100,0.9\n2,-1,10,ten,40,100,0.9\n');
  const r1 = sightline('track', '--det', bad, '--out', join(dir, 'x.txt'));
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /bad\.txt:2: column 4 \(y\) is not a number: "ten"/);
  const r2 = sightline('eval', '--gt', join(dir, 'nope.txt'), '--res', det);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /nope\.txt: file not found/);
  const r3 = sightline('track', '--det', det, '--out', join(dir, 'y.txt'), '--tracker', 'deepsort');
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /--tracker must be bytetrack or sort[\s\S]*Usage: sightline track/);
  const r4 = sightline('eval', '--gt', gt);
  assert.equal(r4.status, 2);
  assert.match(r4.stderr, /--res <res\.txt> is required/);
});
