// Runs one table of cases through every backend and compares each with the TypeScript
// reference. Tolerance is 0: every backend computes in double with the same operation order
// and no FMA contraction (g++ -ffp-contract=off, nvcc -fmad=false), so float32 outputs must be
// bit-identical. Native backends that cannot run here are skipped with the reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAddon } from './addon.ts';
import type { NativeEngine } from './engine.ts';
import { getBackends, loadEngine } from './index.ts';
import { createNativeEngine } from './native-engine.ts';
import { frameCases, nmsCases, roiCases } from './kernel-cases.fixture.ts';

const reference = loadEngine('ts');
const required = process.env.SIGHTLINE_NATIVE_REQUIRED === '1';
// Max |diff| allowed against the reference, per target: all exact by construction.
const TOLERANCE = 0;

interface Target {
  label: string;
  engine?: NativeEngine;
  skip: string | false;
}

/** Every backend, plus the CUDA kernel bodies emulated on the CPU (covers the CUDA indexing without a GPU). */
function targets(): Target[] {
  const list: Target[] = getBackends().map((info) => {
    if (info.available) return { label: `backend ${info.name}`, engine: loadEngine(info.name), skip: false };
    if (required && info.name === 'cpp') throw new Error(`SIGHTLINE_NATIVE_REQUIRED=1 but cpp is unavailable: ${info.detail}`);
    const why = info.name === 'cuda' ? 'no usable GPU here' : 'unavailable here';
    return { label: `backend ${info.name}`, skip: `${info.name} backend ${why}: ${info.detail}` };
  });
  const load = loadAddon();
  list.push(
    load.ok
      ? { label: 'cuda kernel bodies emulated on the CPU', engine: createNativeEngine(load.addon, 'cuda', { emulateCuda: true }), skip: false }
      : { label: 'cuda kernel bodies emulated on the CPU', skip: `native addon unavailable: ${load.error.message}` },
  );
  return list;
}

/** Max |a - b| over two float arrays (NaN only matches NaN); throws on a length mismatch. */
function maxAbsDiff(actual: Float32Array, expected: Float32Array): { max: number; at: number } {
  assert.equal(actual.length, expected.length, 'output length');
  let max = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const d = Number.isNaN(a) && Number.isNaN(e) ? 0 : Math.abs(a - e);
    if (!(d <= max)) {
      max = Number.isNaN(d) ? Infinity : d;
      at = i;
    }
  }
  return { max, at };
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, label: string): void {
  const { max, at } = maxAbsDiff(actual, expected);
  assert.ok(max <= tolerance, `${label}: max |diff| ${max} at ${at} (got ${actual[at]}, reference ${expected[at]}), tolerance ${tolerance}`);
}

/** Runs fn sync and async on the engine; both must throw (reference throws too) or match. */
async function both<T>(name: string, sync: () => T, run: () => Promise<T>, check: (value: T, mode: string) => void, throws?: boolean) {
  if (throws) {
    assert.throws(sync, `${name}: sync should throw`);
    await assert.rejects(run(), `${name}: async should reject`);
    return;
  }
  check(sync(), 'sync');
  check(await run(), 'async');
}

for (const { label, engine, skip } of targets()) {
  describe(label, () => {
    const tolerance = TOLERANCE;

    for (const c of frameCases) {
      it(`frameToTensor: ${c.name}`, { skip }, async () => {
        const e = engine!;
        const expected = c.throws ? undefined : reference.frameToTensorSync(c.frame, c.options);
        await both(c.name, () => e.frameToTensorSync(c.frame, c.options), () => e.frameToTensor(c.frame, c.options), (got, mode) => {
          assert.deepEqual(got.shape, expected!.shape);
          assert.deepEqual([got.scaleX, got.scaleY, got.offsetX, got.offsetY], [expected!.scaleX, expected!.scaleY, expected!.offsetX, expected!.offsetY]);
          assertClose(got.data, expected!.data, tolerance, `${c.name} (${mode})`);
        }, c.throws);
      });
    }

    for (const c of roiCases()) {
      it(`roiAlign: ${c.name}`, { skip }, async () => {
        const e = engine!;
        const expected = c.throws ? undefined : reference.roiAlignSync(c.map, c.boxes, c.options);
        await both(c.name, () => e.roiAlignSync(c.map, c.boxes, c.options), () => e.roiAlign(c.map, c.boxes, c.options), (got, mode) => {
          assert.deepEqual(got.shape, expected!.shape);
          assertClose(got.data, expected!.data, tolerance, `${c.name} (${mode})`);
        }, c.throws);
      });
    }

    for (const c of nmsCases()) {
      it(`nms: ${c.name}`, { skip }, async () => {
        const e = engine!;
        const expected = c.throws ? undefined : reference.nmsSync(c.boxes, c.scores, c.options);
        await both(c.name, () => e.nmsSync(c.boxes, c.scores, c.options), () => e.nms(c.boxes, c.scores, c.options), (got) => {
          assert.ok(got instanceof Int32Array);
          assert.deepEqual(Array.from(got), Array.from(expected!));
        }, c.throws);
      });
    }

    it('reuses a caller-provided output buffer', { skip }, async () => {
      const out = new Float32Array(3 * 8 * 6);
      const frame = frameCases[3]!.frame;
      const got = await engine!.frameToTensor(frame, { width: 8, height: 6, letterbox: true, out });
      assert.equal(got.data, out);
      assertClose(out, reference.frameToTensorSync(frame, { width: 8, height: 6, letterbox: true }).data, tolerance, 'out buffer');
    });
  });
}

describe('case table sanity', () => {
  it('the NMS cases suppress something and keep something', () => {
    const c = nmsCases().find((x) => x.name === '3000 boxes class-agnostic')!;
    const kept = reference.nmsSync(c.boxes, c.scores, c.options).length;
    assert.ok(kept > 10 && kept < 3000, `kept ${kept} of 3000`);
  });
});
