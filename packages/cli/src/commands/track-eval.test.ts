import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ordinal } from './track.ts';

const bin = fileURLToPath(new URL('../../../../bin/sightline.mjs', import.meta.url));
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

test('ordinals read as English: every 2nd, 3rd, 5th, 11th, 21st, 112th frame', () => {
  assert.deepEqual([2, 3, 5, 11, 12, 13, 21, 22, 112].map(ordinal), ['2nd', '3rd', '5th', '11th', '12th', '13th', '21st', '22nd', '112th']);
});

test('detections on every 5th frame (detect --every 5) are tracked on that stride, not broken by the frames between', () => {
  const sparse = file('det-every5.txt', detLines.filter((l) => Number(l.split(',')[0]) % 5 === 1).join('\n') + '\n');
  const out = join(dir, 'res-every5.txt');
  const run = sightline('track', '--det', sparse, '--out', out, '--fps', '25');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /every 5th frame from frame 1; tracking those frames, 5 frames apart/);
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

test('track fills the frame each person was missed on (--interpolate, default 0.3 s); --interpolate 0 and sort leave it open', () => {
  const score = (out: string) => JSON.parse(sightline('eval', '--gt', gt, '--res', out, '--json').stdout) as Record<string, number>;
  const frames = (out: string, id: number) => readFileSync(out, 'utf8').trim().split('\n').map((r) => r.split(',').map(Number)).filter((r) => r[1] === id).map((r) => r[0]!);
  const filled = join(dir, 'res-filled.txt');
  const run = sightline('track', '--det', det, '--out', filled, '--fps', '25', '--smooth', '0');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\(3 filled in gaps of at most 0\.3 s\)/);
  const open = join(dir, 'res-open.txt');
  assert.equal(sightline('track', '--det', det, '--out', open, '--fps', '25', '--interpolate', '0', '--smooth', '0').status, 0);
  // Person 1 (the first id written) was not detected on frame 15.
  const firstId = Number(readFileSync(filled, 'utf8').split(',')[1]);
  assert.ok(frames(filled, firstId).includes(15) && !frames(open, firstId).includes(15));
  assert.equal(score(open).FN! - score(filled).FN!, 3, 'the three missed frames are found');
  assert.equal(score(filled).FP, score(open).FP, 'and no box is put where no one is');
  assertSortWritesItsOwn('res-sort-open.txt', 'fills nothing');
  assertSecondsRefused('--interpolate', ['-1', 'soon', '']);
});

test('track smooths each box\'s vertical centre and size over 0.1 s each way by default, keeping its horizontal centre; --smooth 0 and sort leave the boxes', () => {
  const read = (out: string) => readFileSync(out, 'utf8').trim().split('\n').map((r) => r.split(',').map(Number));
  const rough = join(dir, 'res-rough.txt');
  assert.equal(sightline('track', '--det', det, '--out', rough, '--fps', '25', '--smooth', '0').status, 0);
  const smooth = join(dir, 'res-smooth.txt');
  const run = sightline('track', '--det', det, '--out', smooth, '--fps', '25');
  assert.equal(run.status, 0, run.stderr);
  // 0.1 s at 25 fps: 3 frames each way (2.5 rounded).
  assert.match(run.stdout, /boxes smoothed over 3 frames each way/);
  const [a, b] = [read(rough), read(smooth)];
  assert.equal(b.length, a.length);
  const key = (r: number[]) => `${r[0]},${r[1]}`;
  const roughAt = new Map(a.map((r) => [key(r), r]));
  let changed = 0;
  for (const r of b) {
    const q = roughAt.get(key(r))!;
    assert.ok(q, `frame ${r[0]} id ${r[1]} only in the smoothed file`);
    assert.ok(Math.abs(r[2]! + r[4]! / 2 - (q[2]! + q[4]! / 2)) < 0.01, 'the horizontal centre is kept');
    if (Math.abs(r[3]! - q[3]!) > 0.01) changed++;
  }
  assert.ok(changed > a.length / 4, `only ${changed} of ${a.length} boxes moved vertically`);
  // Frame 20 of the first id: its vertical centre is the mean of frames 17-23 of the rough track.
  const id = b[0]![1]!;
  const centre = (r: number[]) => r[3]! + r[5]! / 2;
  const around = a.filter((r) => r[1] === id && r[0]! >= 17 && r[0]! <= 23);
  assert.equal(around.length, 7);
  const at20 = b.find((r) => r[1] === id && r[0] === 20)!;
  assert.ok(Math.abs(centre(at20) - around.reduce((t, r) => t + centre(r), 0) / 7) < 0.01);
  assertSortWritesItsOwn('res-sort-smooth.txt', 'smooths nothing');
  assertSecondsRefused('--smooth', ['-0.1', 'lots', '']);
});

/** SORT, the reference, run again writes what its first run did: no post-processing by default. */
function assertSortWritesItsOwn(name: string, what: string): void {
  const out = join(dir, name);
  assert.equal(sightline('track', '--det', det, '--out', out, '--fps', '25', '--tracker', 'sort').status, 0);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(dir, 'res-sort.txt'), 'utf8'), `sort, the reference, ${what} by default`);
}

/** A seconds flag with each bad value exits 2 saying what it takes. */
function assertSecondsRefused(flag: string, values: readonly string[]): void {
  for (const value of values) {
    const r = sightline('track', '--det', det, '--out', join(dir, 'x.txt'), `${flag}=${value}`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${flag} must be a number of seconds, 0 or more`));
  }
}

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

test('eval over a folder of sequences: a table per sequence and combined, JSON equal to the single-file scores, --compare differences', () => {
  // Two sequences: the one above and the same people shifted in time (frames 5..44).
  const shifted = (lines: string[]): string => lines.map((l) => l.replace(/^(\d+),/, (_, f: string) => `${Number(f) + 4},`)).join('\n') + '\n';
  const root = join(dir, 'folders');
  const seqs: Record<string, [string, string]> = { 'SEQ-A': [gtLines.join('\n') + '\n', detLines.join('\n') + '\n'], 'SEQ-B': [shifted(gtLines), shifted(detLines)] };
  for (const tracker of ['bytetrack', 'sort']) mkdirSync(join(root, tracker), { recursive: true });
  for (const [seq, [g, d]] of Object.entries(seqs)) {
    mkdirSync(join(root, 'gt', seq, 'gt'), { recursive: true });
    writeFileSync(join(root, 'gt', seq, 'gt', 'gt.txt'), g);
    writeFileSync(join(root, `${seq}-det.txt`), d);
    for (const tracker of ['bytetrack', 'sort']) {
      const run = sightline('track', '--det', join(root, `${seq}-det.txt`), '--out', join(root, tracker, `${seq}.txt`), '--tracker', tracker, '--fps', '25');
      assert.equal(run.status, 0, run.stderr);
    }
  }
  const json = JSON.parse(sightline('eval', '--gt', join(root, 'gt'), '--res', join(root, 'bytetrack'), '--json').stdout) as { sequences: Record<string, Record<string, number>>; combined: Record<string, number> };
  assert.deepEqual(Object.keys(json.sequences), ['SEQ-A', 'SEQ-B']);
  for (const seq of Object.keys(seqs)) {
    const single = JSON.parse(sightline('eval', '--gt', join(root, 'gt', seq, 'gt', 'gt.txt'), '--res', join(root, 'bytetrack', `${seq}.txt`), '--json').stdout) as Record<string, number>;
    assert.deepEqual(json.sequences[seq], single, seq);
  }
  // Combined counts are the sums of the sequences' counts.
  for (const key of ['FP', 'FN', 'IDSW', 'MT', 'ML']) assert.equal(json.combined[key], json.sequences['SEQ-A']![key]! + json.sequences['SEQ-B']![key]!, key);

  const table = sightline('eval', '--gt', join(root, 'gt'), '--res', join(root, 'sort'), '--compare', join(root, 'bytetrack'));
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /Sequence\s+MOTA\s+IDF1\s+HOTA[\s\S]*SEQ-A[\s\S]*SEQ-B[\s\S]*COMBINED/);
  assert.match(table.stdout, /minus[\s\S]*Sequence\s+MOTA\s+IDF1\s+HOTA\s+FP\s+FN\s+IDSW/);
  const both = JSON.parse(sightline('eval', '--gt', join(root, 'gt'), '--res', join(root, 'sort'), '--compare', join(root, 'bytetrack'), '--json').stdout) as { res: { combined: Record<string, number> }; compare: { combined: Record<string, number> } };
  assert.deepEqual(both.compare.combined, json.combined);
  const deltaRow = table.stdout.split('\n').filter((l) => l.startsWith('COMBINED')).at(-1)!.trim().split(/\s+/);
  assert.equal(Number(deltaRow[1]), Number(((both.compare.combined.MOTA! - both.res.combined.MOTA!) * 100).toFixed(1)));

  rmSync(join(root, 'sort', 'SEQ-B.txt'));
  const missing = sightline('eval', '--gt', join(root, 'gt'), '--res', join(root, 'sort'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /SEQ-B\.txt: no results for sequence SEQ-B/);
  const mixed = sightline('eval', '--gt', join(root, 'gt'), '--res', join(root, 'bytetrack', 'SEQ-A.txt'));
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /--res must be a folder when --gt is a folder/);
});

test('eval --ignore-marked leaves out result boxes on gt rows marked conf 0; without it they are false positives', () => {
  // Person 3 is marked conf 0 in the gt from frame 21 on (say, it left the annotated area); the
  // results keep following it.
  const marked = file('gt-marked.txt', gtLines.map((l) => (/^(\d+),3,/.exec(l) && Number(l.split(',')[0]) > 20 ? l.replace(/,1,-1,-1,-1$/, ',0,-1,-1,-1') : l)).join('\n') + '\n');
  const res = file('res-marked.txt', gtLines.join('\n') + '\n');
  const score = (...extra: string[]) => JSON.parse(sightline('eval', '--gt', marked, '--res', res, '--json', ...extra).stdout) as Record<string, number>;
  assert.equal(score().FP, 20, 'the MOTChallenge protocol counts the 20 boxes on the marked rows');
  const ignored = score('--ignore-marked');
  assert.deepEqual([ignored.FP, ignored.FN, ignored.MOTA], [0, 0, 1]);
  assert.match(sightline('eval', '--help').stdout + sightline('eval', '--help').stderr, /--ignore-marked/);
});

test('track --model uses the detector card\'s score calibration: CenterNet-range scores start tracks only with it', () => {
  // The same three people, every score scaled into CenterNet's range (0.56..0.7).
  const low = file('det-low.txt', detLines.map((l) => l.replace(/,([\d.]+),-1,-1,-1$/, (_, s: string) => `,${(Number(s) * 0.7).toFixed(3)},-1,-1,-1`)).join('\n') + '\n');
  const plain = sightline('track', '--det', low, '--out', join(dir, 'res-low.txt'), '--fps', '25');
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /-> 0 tracks/);
  assert.match(plain.stderr, /only 0 of the \d+ detections .* score 0\.8 or more.*pass the detector it ran \(--model centernet/, 'the user is told why and what to pass');
  const calibrated = sightline('track', '--det', low, '--out', join(dir, 'res-low-centernet.txt'), '--fps', '25', '--model', 'centernet');
  assert.equal(calibrated.status, 0, calibrated.stderr);
  assert.doesNotMatch(calibrated.stderr, /score 0\.8 or more/);
  const m = JSON.parse(sightline('eval', '--gt', gt, '--res', join(dir, 'res-low-centernet.txt'), '--json').stdout) as Record<string, number>;
  assert.ok(m.MOTA! > 0.8, `MOTA ${m.MOTA}`);
  const bad = sightline('track', '--det', low, '--out', join(dir, 'x.txt'), '--model', 'faceres');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--model must be one of centernet, nanodet or a detector card/);
  // A user's detector card carries its own calibration; one without trackerScores is refused.
  const input = { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: true };
  const card = file('mine.card.json', JSON.stringify({ name: 'mine', model: 'mine.onnx', classes: 'coco', input, decode: { format: 'yolov8' }, trackerScores: { trackThresh: 0.35, newTrackThresh: 0.5 } }));
  const withCard = sightline('track', '--det', low, '--out', join(dir, 'res-low-card.txt'), '--fps', '25', '--model', card);
  assert.equal(withCard.status, 0, withCard.stderr);
  assert.equal(readFileSync(join(dir, 'res-low-card.txt'), 'utf8'), readFileSync(join(dir, 'res-low-centernet.txt'), 'utf8'), 'the card\'s calibration (CenterNet\'s values) gives CenterNet\'s tracks');
  const uncalibrated = file('plain.card.json', JSON.stringify({ name: 'plain', model: 'mine.onnx', classes: 'coco', input, decode: { format: 'yolov8' } }));
  const refused = sightline('track', '--det', low, '--out', join(dir, 'x.txt'), '--model', uncalibrated);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /detector card .*plain\.card\.json has no trackerScores/);
});

test('track --motion: with the camera motion detect --motion wrote, a fast pan keeps identities that it breaks without', () => {
  // Two people standing still in the world while the camera jumps 45 px a frame to the right for
  // 10 frames, then back: every box moves by more than its width between frames.
  const lines: string[] = [];
  const motion: string[] = [];
  let cameraX = 0;
  for (let f = 1; f <= 40; f++) {
    const step = f === 1 ? 0 : f <= 12 ? 0 : f <= 22 ? 45 : f <= 32 ? -45 : 0;
    cameraX += step;
    motion.push(`${f},1,0,${-step},0,1,0`);
    for (const x of [300, 420]) lines.push(`${f},-1,${x - cameraX + 500},200,40,100,0.95,-1,-1,-1`);
  }
  const panDet = file('pan-det.txt', lines.join('\n') + '\n');
  const panMotion = file('pan-motion.txt', motion.join('\n') + '\n');
  const ids = (...extra: string[]): number => {
    const out = join(dir, `pan-res${extra.length}.txt`);
    const run = sightline('track', '--det', panDet, '--out', out, '--fps', '10', ...extra);
    assert.equal(run.status, 0, run.stderr);
    return new Set(readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(',')[1])).size;
  };
  assert.equal(ids('--motion', panMotion), 2);
  assert.ok(ids() > 2, 'without --motion the pan should break the identities');

  const sort = sightline('track', '--det', panDet, '--out', join(dir, 'x.txt'), '--tracker', 'sort', '--motion', panMotion);
  assert.equal(sort.status, 2);
  assert.match(sort.stderr, /--motion needs --tracker bytetrack/);
  const broken = sightline('track', '--det', panDet, '--out', join(dir, 'x.txt'), '--motion', file('bad-motion.txt', '1,1,0,0,0,1,0\n2,1,0,oops,0,1,0\n'));
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /bad-motion\.txt:2: expected frame,a,b,tx,c,d,ty/);
  const missing = sightline('track', '--det', panDet, '--out', join(dir, 'x.txt'), '--motion', join(dir, 'nope.txt'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--motion .*nope\.txt cannot be read: ENOENT/);
});

test('track --appearance: with the embeddings detect --appearance wrote, two people who swap places keep their identities', () => {
  // Two people side by side (IoU 0.43) swap places at frame 21. Their embeddings share a large
  // common part (as the detector's map gives) and differ a little: the running-mean centering
  // has to remove the common part for the cue to tell them apart.
  const lines: string[] = [];
  const embeddings: string[] = [];
  const look = { a: [50, 50, 50, 50, 1, 0], b: [50, 50, 50, 50, 0, 1] };
  for (let f = 1; f <= 40; f++) {
    const people = f <= 20 ? ([[300, look.a], [316, look.b]] as const) : ([[300, look.b], [316, look.a]] as const);
    people.forEach(([x, e], n) => {
      lines.push(`${f},-1,${x},200,40,100,0.95,-1,-1,-1`);
      embeddings.push(`${f},${n + 1},${e.join(',')}`);
    });
  }
  const swapDet = file('swap-det.txt', lines.join('\n') + '\n');
  const swapApp = file('swap-app.txt', embeddings.join('\n') + '\n');
  /** The id at x on a frame. */
  const idAt = (rows: string[][], frame: number, x: number) => rows.find((r) => Number(r[0]) === frame && Math.abs(Number(r[2]) - x) < 3)?.[1];
  const track = (...extra: string[]) => {
    const out = join(dir, `swap-res${extra.length}.txt`);
    const run = sightline('track', '--det', swapDet, '--out', out, '--fps', '10', ...extra);
    assert.equal(run.status, 0, run.stderr);
    return readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(','));
  };
  const plain = track();
  assert.equal(idAt(plain, 30, 300), idAt(plain, 20, 300), 'without the cue the ids stay with the places');
  const cued = track('--appearance', swapApp);
  assert.ok(idAt(cued, 20, 300) !== undefined);
  assert.equal(idAt(cued, 30, 316), idAt(cued, 20, 300), 'with the cue person A keeps their id at their new place');
  assert.equal(idAt(cued, 30, 300), idAt(cued, 20, 316), 'and so does person B');

  const sort = sightline('track', '--det', swapDet, '--out', join(dir, 'x.txt'), '--tracker', 'sort', '--appearance', swapApp);
  assert.equal(sort.status, 2);
  assert.match(sort.stderr, /--appearance needs --tracker bytetrack/);
  const broken = sightline('track', '--det', swapDet, '--out', join(dir, 'x.txt'), '--appearance', file('bad-app.txt', '1,1,0.5,1\n1,2,0.5,oops\n'));
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /bad-app\.txt:2: expected frame,n,v1,\.\.\.,vD/);
  const short = sightline('track', '--det', swapDet, '--out', join(dir, 'x.txt'), '--appearance', file('short-app.txt', embeddings.slice(0, 79).join('\n') + '\n'));
  assert.equal(short.status, 2);
  assert.match(short.stderr, /short-app\.txt: frame 40 has 1 embedding, but .*swap-det\.txt has 2 detections there/);
  const missing = sightline('track', '--det', swapDet, '--out', join(dir, 'x.txt'), '--appearance', join(dir, 'nope.txt'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--appearance .*nope\.txt cannot be read: ENOENT/);
});

test('track --stitch: with --appearance, a person hidden for 1.2 s keeps one id and the hidden frames are filled; without it, or with --stitch 0, two ids', () => {
  // Person A walks right and is hidden on frames 21-32 (longer than ByteTrack keeps a lost track at
  // 10 fps); person B stands still far away. Their embeddings share a large common part.
  const lines: string[] = [];
  const embeddings: string[] = [];
  const gtRows: string[] = [];
  for (let f = 1; f <= 50; f++) {
    const people: [number, number, number[]][] = [[1, 100 + 4 * f, [50, 50, 1, 0]], [2, 500, [50, 50, 0, 1]]];
    let n = 0;
    for (const [id, x, e] of people) {
      gtRows.push(`${f},${id},${x},200,40,100,1,-1,-1,-1`);
      if (id === 1 && f >= 21 && f <= 32) continue;
      lines.push(`${f},-1,${x},200,40,100,0.95,-1,-1,-1`);
      embeddings.push(`${f},${++n},${e.join(',')}`);
    }
  }
  const hiddenDet = file('hidden-det.txt', lines.join('\n') + '\n');
  const hiddenApp = file('hidden-app.txt', embeddings.join('\n') + '\n');
  const hiddenGt = file('hidden-gt.txt', gtRows.join('\n') + '\n');
  const track = (name: string, ...extra: string[]) => {
    const out = join(dir, name);
    const run = sightline('track', '--det', hiddenDet, '--out', out, '--fps', '10', '--model', 'nanodet', ...extra);
    assert.equal(run.status, 0, run.stderr);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
    const m = JSON.parse(sightline('eval', '--gt', hiddenGt, '--res', out, '--json').stdout) as Record<string, number>;
    return { stdout: run.stdout, ids: new Set(rows.filter((r) => r[2]! < 450).map((r) => r[1])), frames: rows.filter((r) => r[2]! < 450).map((r) => r[0]!), m };
  };
  const stitched = track('hidden-stitched.txt', '--appearance', hiddenApp);
  assert.match(stitched.stdout, /1 joined across gaps of at most 1\.5 s/);
  assert.equal(stitched.ids.size, 1, 'person A has one id');
  for (let f = 21; f <= 32; f++) assert.ok(stitched.frames.includes(f), `hidden frame ${f} filled`);
  assert.equal(stitched.m.IDSW, 0);
  assert.equal(stitched.m.FN, 0);
  for (const [name, extra] of [['hidden-plain.txt', []], ['hidden-off.txt', ['--appearance', hiddenApp, '--stitch', '0']]] as const) {
    const apart = track(name, ...extra);
    assert.equal(apart.ids.size, 2, `${name}: a new id after the gap`);
    assert.equal(apart.m.IDSW, 1);
  }
  // On motion alone only when asked.
  assert.equal(track('hidden-motion.txt', '--stitch', '1.5').ids.size, 1);
  assertSecondsRefused('--stitch', ['-2', 'later', '']);
});
