// Autotuning hooks on the emulated executor: the timings fill the JSON cache, a second load
// uses it without timing, and the tuned session gives the same bits as the default one.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { graphCases } from './graph-cases.fixture.ts';
import { loadTuned } from './graph-autotune.ts';
import { loadGraph } from './graph-engine.ts';
import { planGraph } from './plan-graph.ts';

it('times conv variants once, caches the choice per shape, keeps results identical', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-tune-'));
  try {
    const c = graphCases()[0]!;
    const plan = planGraph(c.onnx);
    const file = join(dir, 'autotune.json');
    const first = loadTuned(plan, 'emulated', file, 1);
    assert.equal(first.timed, 3);
    assert.equal(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).length, 3);
    const second = loadTuned(plan, 'emulated', file, 1);
    assert.equal(second.timed, 0);
    assert.equal(second.cached, 3);
    assert.deepEqual(second.variants, first.variants);
    const input = Object.values(c.feeds)[0]!.data;
    assert.deepEqual(second.session.runSync([input]), loadGraph(plan, 'emulated').runSync([input]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
