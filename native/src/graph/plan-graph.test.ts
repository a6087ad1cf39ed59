// Planner tests: the decoder, shape inference against onnxruntime, the passes on small
// hand-built graphs, the memory plan's invariants, and the plan of the converted CenterNet.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ensureOnnxModel, onnxRuntimeCpu } from '@sightline/models';
import { graphCases } from './graph-cases.fixture.ts';
import { checkMemoryPlan, planMemory, type Lifetime } from './memory-plan.ts';
import { decodeOnnx } from './onnx-decode.ts';
import { planGraph } from './plan-graph.ts';
import type { ExecutionPlan } from './plan-types.ts';

const cases = graphCases();

/** Every pair of arena tensors whose lifetimes overlap must not overlap in memory. */
function assertPlanSound(plan: ExecutionPlan): void {
  const lifetimes = new Map<number, Lifetime>();
  const touch = (id: number, at: number): void => {
    const t = plan.tensors[id]!;
    if (t.region !== 0) return;
    // Aliases share their root's offset: key by offset + size of the root buffer.
    const l = lifetimes.get(id) ?? { id, bytes: t.bytes, first: at, last: at };
    l.first = Math.min(l.first, at);
    l.last = Math.max(l.last, at);
    lifetimes.set(id, l);
  };
  for (const i of plan.inputs) touch(i.tensor, -1);
  plan.ops.forEach((op, i) => [...op.inputs, ...op.outputs].forEach((t) => touch(t, i)));
  for (const o of plan.outputs) touch(o.tensor, plan.ops.length);
  const list = [...lifetimes.values()];
  const offsets = new Map(list.map((l) => [l.id, plan.tensors[l.id]!.offset]));
  // Two distinct tensors at the same offset with overlapping lives are fine only as aliases (same bytes).
  const distinct = list.filter((l, i) => !list.some((m, j) => j < i && offsets.get(m.id) === offsets.get(l.id) && m.bytes === l.bytes));
  const problem = checkMemoryPlan(distinct, { offsets, arenaBytes: plan.arenaBytes, sumBytes: 0 });
  assert.equal(problem, undefined);
  for (const l of list) assert.ok(offsets.get(l.id)! + l.bytes <= plan.arenaBytes, 'tensor inside the arena');
}

describe('graph planner', () => {
  it('memory plan: no live tensors overlap, dead ones are reused', () => {
    // A chain a -> b -> c -> d: a and c can share, b and d can share.
    const chain: Lifetime[] = [0, 1, 2, 3].map((i) => ({ id: i, bytes: 1000 * (4 - i), first: i - 1, last: i }));
    const plan = planMemory(chain);
    assert.equal(checkMemoryPlan(chain, plan), undefined);
    assert.ok(plan.arenaBytes < plan.sumBytes, `arena ${plan.arenaBytes} < sum ${plan.sumBytes}`);
    let s = 99;
    const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;
    const random: Lifetime[] = Array.from({ length: 200 }, (_, id) => {
      const first = Math.floor(rand() * 100);
      return { id, bytes: 1 + Math.floor(rand() * 5000), first, last: first + Math.floor(rand() * 20) };
    });
    assert.equal(checkMemoryPlan(random, planMemory(random)), undefined);
  });

  it('decodes what the ONNX encoder wrote', () => {
    const g = decodeOnnx(cases[3]!.onnx);
    assert.equal(g.opset, 13);
    assert.ok(g.nodes.some((n) => n.opType === 'TopK'));
    const slice = g.nodes.find((n) => n.opType === 'Slice')!;
    const ends = g.initializers.find((t) => t.name === slice.inputs[2])!;
    assert.deepEqual(Array.from(ends.data as BigInt64Array, Number), [9007199254740991, 9007199254740991, 4]);
    assert.deepEqual(g.inputs[0]!.shape, [1, 6, 7, 3]);
  });

  for (const c of cases) {
    it(`${c.name}: output shapes match onnxruntime, transposes cancel, memory sound`, async () => {
      const plan = planGraph(c.onnx);
      const session = await onnxRuntimeCpu.createSession(c.onnx, { threads: 1 });
      const [name, feed] = Object.entries(c.feeds)[0]!;
      const result = await session.run({ [name]: { type: 'float32', dims: feed.dims, data: feed.data } });
      await session.release();
      for (const o of plan.outputs) assert.deepEqual(o.dims, [...result[o.name]!.dims], `dims of ${o.name}`);
      // What remains reads a graph input or makes the NHWC form an output or a Reshape needs.
      assert.ok(plan.stats.transposesAfter <= Math.max(1, plan.stats.transposesBefore / 2), `transposes ${plan.stats.transposesBefore} -> ${plan.stats.transposesAfter}`);
      assert.ok(!plan.ops.some((op) => op.name.includes('Shape')), 'Shape folded away');
      assertPlanSound(plan);
      assertPlanSound(planGraph(c.onnx, { precision: 'fp16' }));
    });
  }

  it('fuses bias, scale, activations and hard-swish into convolutions', () => {
    const a = planGraph(cases[0]!.onnx).stats;
    assert.equal(a.fusedHardSwish, 1);
    assert.equal(a.opCounts.Conv! + a.opCounts.DepthwiseConv!, 3);
    assert.equal(a.ops, 5, 'input transpose, 3 fused convs, output transpose');
    const b = planGraph(cases[1]!.onnx).stats;
    assert.equal(b.fusedBiasOrScale, 2, 'Add and Mul folded into the conv');
    assert.ok(b.fusedActivations >= 2);
  });

  it('batch > 1 scales activations; a batch-mixing reshape is refused', () => {
    const one = planGraph(cases[2]!.onnx);
    const four = planGraph(cases[2]!.onnx, { batch: 4 });
    assert.deepEqual(four.outputs[0]!.dims, [4, ...one.outputs[0]!.dims.slice(1)]);
    assert.throws(() => planGraph(cases[3]!.onnx, { batch: 2 }), /mixes the batch dimension/);
  });

  it('plans the converted CenterNet', async (t) => {
    let path: string;
    try {
      path = await ensureOnnxModel('centernet');
    } catch (err) {
      t.skip(`centernet ONNX unavailable: ${(err as Error).message}`);
      return;
    }
    assert.ok(existsSync(path));
    const { readFileSync } = await import('node:fs');
    const plan = planGraph(readFileSync(path));
    const s = plan.stats;
    t.diagnostic(`centernet: ${s.sourceNodes} nodes -> ${s.ops} ops; transposes ${s.transposesBefore} -> ${s.transposesAfter}; fused bias/scale ${s.fusedBiasOrScale}, activations ${s.fusedActivations}, hard-swish ${s.fusedHardSwish}; arena ${(s.arenaBytes / 2 ** 20).toFixed(1)} MiB vs ${(s.sumTensorBytes / 2 ** 20).toFixed(1)} MiB summed`);
    assert.deepEqual(plan.outputs[0]!.dims, [1, 100, 6]);
    assert.ok(s.transposesAfter <= 3);
    assert.ok(s.arenaBytes < s.sumTensorBytes / 4);
    assertPlanSound(plan);
    const keypoints = planGraph(readFileSync(path), { outputs: ['tower_0/keypoints', 'tower_0/wh'], batch: 8, precision: 'fp16' });
    assert.deepEqual(keypoints.outputs.map((o) => o.dims), [[8, 128, 128, 80], [8, 128, 128, 4]]);
    assertPlanSound(keypoints);
  });
});
