// INT8 CenterNet on onnxruntime's CPU kernels against float32, side by side in one run: every
// convolution quantised in QDQ form (weights int8 per output channel, activations uint8 with
// ranges calibrated on 16 PETS09 frames after the dev stretch, biases int32), which onnxruntime
// fuses into QLinearConv. Prints the network time of both (interleaved rounds, medians), the
// kernels each spends its time in (onnxruntime's profiler), and the detector's recall and
// precision on the PETS09-S2L1 dev stretch (frames 1-400, every 4th, score 0.3, IoU 0.5) with each.
// Needs the evaluation data (SIGHTLINE_EVAL_DATA, default <repo>/../shared/data); skips without it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { decodeVideoFrames } from '@sightline/media';
import { evaluateSequence, motMetrics, parseMot, type MotRow } from '@sightline/vision';
import { centernetForInput } from '../src/convert/centernet-input.ts';
import { readTfjsGraphModel } from '../src/convert/tfjs-model.ts';
import { convertTfjsToOnnx } from '../src/convert/tfjs-to-onnx.ts';
import { CenterNetDetector, modelCard } from '../src/index.ts';
import { encodeModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from '../src/onnx/onnx-model.ts';
import { sourceModelPath } from '../src/registry/model-cache.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const video = join(dataRoot, 'video', 'pets09-s2l1.avi');
const gtFile = join(dataRoot, 'pets09-dev', 'gt-frames-1-400.txt');
if (!existsSync(video) || !existsSync(gtFile)) {
  console.log(`Evaluation data not found at ${dataRoot} (set SIGHTLINE_EVAL_DATA): INT8 benchmark skipped.`);
  process.exit(0);
}
const SHAPE: [number, number] = [384, 512]; // what PETS09's 480x360 runs at
const INPUT = 'tower_0/images';
const OUTPUT = 'tower_0/detections';
const ROUNDS = 30;

// The float graph as converted, kept for quantising.
const card = modelCard('centernet');
let graph!: OnnxGraph;
const fp32 = convertTfjsToOnnx(centernetForInput(readTfjsGraphModel(sourceModelPath(card)), SHAPE), { outputs: card.outputs.map((o) => o.name), rewrite: (g) => (graph = g) }).onnx;
const encode = (g: OnnxGraph) => encodeModel(g, { opsetVersion: 13, producerName: 'sightline-int8-bench', producerVersion: '1' });
const sessionOptions = (extra: ort.InferenceSession.SessionOptions = {}): ort.InferenceSession.SessionOptions => ({
  executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 2, interOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 3,
  extra: { session: { intra_op: { allow_spinning: '0' } } }, ...extra,
});
const detector = await CenterNetDetector.create({ classIds: [0], scoreThreshold: 0.3, threads: 2, inputSize: SHAPE });

// Calibration: activation ranges of every convolution's input and output (after a sole Relu).
const convs = graph.nodes.filter((n) => n.opType === 'Conv');
const consumers = new Map<string, OnnxNode[]>();
for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
const quantisedOutputs = new Set(convs.map((c) => {
  const next = consumers.get(c.outputs[0]!) ?? [];
  return next.length === 1 && next[0]!.opType === 'Relu' ? next[0]!.outputs[0]! : c.outputs[0]!;
}));
const calibrated = [...new Set([...convs.map((c) => c.inputs[0]!), ...quantisedOutputs])];
const calibration = await ort.InferenceSession.create(encode({ ...graph, outputs: [...graph.outputs, ...calibrated.map((name) => ({ name, dataType: 'float32' as const }))] }), sessionOptions({ graphOptimizationLevel: 'disabled' }));
const range = new Map<string, [number, number]>();
let seen = 0;
for await (const frame of decodeVideoFrames(video, {})) {
  if (frame.index < 400 || frame.index % 25 !== 0) continue;
  const out = await calibration.run({ [INPUT]: new ort.Tensor('float32', detector.prepareInput(frame).input, [1, ...SHAPE, 3]) }, calibrated);
  for (const name of calibrated) {
    const d = out[name]!.data as Float32Array;
    let [lo, hi] = range.get(name) ?? [0, 0];
    for (let i = 0; i < d.length; i++) lo = Math.min(lo, d[i]!), hi = Math.max(hi, d[i]!);
    range.set(name, [lo, hi]);
  }
  if (++seen === 16) break;
}
await calibration.release();
const int8 = encode(quantise(graph, range));

const sessions = { float32: await ort.InferenceSession.create(fp32, sessionOptions()), int8: await ort.InferenceSession.create(int8, sessionOptions()) };
const names = Object.keys(sessions) as (keyof typeof sessions)[];

// Accuracy and time on the dev stretch, the two sessions on the same inputs in alternating order.
const gt = parseMot(readFileSync(gtFile, 'utf8')).map((r) => ({ ...r, x: r.x * 0.625, y: r.y * 0.625, w: r.w * 0.625, h: r.h * 0.625 }));
const rows: Record<string, MotRow[]> = { float32: [], int8: [] };
const ms: Record<string, number[]> = { float32: [], int8: [] };
for await (const frame of decodeVideoFrames(video, { maxFrames: 400 })) {
  if (frame.index % 4 !== 0) continue;
  const { input, mapping } = detector.prepareInput(frame);
  const order = (frame.index / 4) % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const t = performance.now();
    const out = await sessions[name].run({ [INPUT]: new ort.Tensor('float32', input, [1, ...SHAPE, 3]) }, [OUTPUT]);
    ms[name]!.push(performance.now() - t);
    const found = detector.decode(out[OUTPUT]!.data as Float32Array, frame, mapping);
    for (let i = 0; i < found.length; i++) {
      const [x1, y1, x2, y2] = found.box(i);
      rows[name]!.push({ frame: frame.index + 1, id: rows[name]!.length + 1, x: x1, y: y1, w: x2 - x1, h: y2 - y1, conf: found.confidence[i]!, xOrClass: -1, yOrVisibility: -1, z: -1 });
    }
  }
}
const scored = gt.filter((r) => (r.frame - 1) % 4 === 0);
const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
console.log(`CenterNet ${SHAPE[1]}x${SHAPE[0]} on onnxruntime ${ort.env.versions.common} CPU, 2 threads: float32 against INT8 (QDQ, ${convs.length} convolutions -> QLinearConv)`);
for (const name of names) {
  const m = motMetrics(evaluateSequence(scored, rows[name]!, 'mot15'));
  console.log(`  ${name.padEnd(8)} network ${median(ms[name]!).toFixed(1)} ms (median of ${ms[name]!.length} frames), ${(median(ms[name]!) / median(ms.float32!)).toFixed(2)}x float32; PETS09 dev recall ${m.Recall.toFixed(3)}, precision ${m.Precision.toFixed(3)}`);
}

// Where the time goes: each kernel's share, from onnxruntime's profiler.
const profileDir = mkdtempSync(join(tmpdir(), 'sightline-int8-'));
try {
  const input = new ort.Tensor('float32', detector.prepareInput({ data: new Uint8Array(480 * 360 * 3).fill(90), width: 480, height: 360, format: 'rgb24' }).input, [1, ...SHAPE, 3]);
  for (const [name, bytes] of [['float32', fp32], ['int8', int8]] as const) {
    const s = await ort.InferenceSession.create(bytes, sessionOptions({ enableProfiling: true, profileFilePrefix: join(profileDir, name) }));
    for (let i = 0; i < ROUNDS; i++) await s.run({ [INPUT]: input }, [OUTPUT]);
    s.endProfiling();
    await s.release();
    const file = readdirSync(profileDir).find((f) => f.startsWith(name) && f.endsWith('.json'))!;
    const events = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
    const byOp = new Map<string, number>();
    for (const e of events) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) byOp.set(e.args?.op_name ?? '?', (byOp.get(e.args?.op_name ?? '?') ?? 0) + e.dur / 1000 / ROUNDS);
    const total = [...byOp.values()].reduce((a, b) => a + b, 0);
    const top = [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([op, t]) => `${op} ${t.toFixed(1)}`).join(', ');
    console.log(`  ${name.padEnd(8)} kernels ${total.toFixed(1)} ms per pass under the profiler: ${top}`);
  }
} finally {
  rmSync(profileDir, { recursive: true, force: true });
}
await Promise.all(Object.values(sessions).map((s) => s.release()));
await detector.release();

/**
 * The graph in QDQ form: each convolution reads its input through QuantizeLinear ->
 * DequantizeLinear (uint8, the calibrated range), its weights through DequantizeLinear (int8,
 * symmetric per output channel) and its bias as int32 at input scale x weight scale; its output
 * (after a sole Relu) passes through QuantizeLinear -> DequantizeLinear too, the pattern
 * onnxruntime fuses into QLinearConv. Everything else stays float.
 */
function quantise(g: OnnxGraph, ranges: ReadonlyMap<string, [number, number]>): OnnxGraph {
  const initializers = new Map(g.initializers.map((t) => [t.name, t]));
  const added: OnnxTensor[] = [];
  const nodes: OnnxNode[] = [];
  const scaleOf = (name: string) => {
    const [lo, hi] = ranges.get(name)!;
    const scale = Math.max((hi - lo) / 255, 1e-8);
    return { scale, zero: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
  };
  const dequantised = new Map<string, string>();
  const qdq = (name: string): string => {
    const { scale, zero } = scaleOf(name);
    added.push({ name: `${name}/q_scale`, dataType: 'float32', dims: [], data: Float32Array.of(scale) }, { name: `${name}/q_zero`, dataType: 'uint8', dims: [], data: Uint8Array.of(zero) });
    nodes.push({ opType: 'QuantizeLinear', name: `${name}/q`, inputs: [name, `${name}/q_scale`, `${name}/q_zero`], outputs: [`${name}/quantised`] });
    nodes.push({ opType: 'DequantizeLinear', name: `${name}/dq`, inputs: [`${name}/quantised`, `${name}/q_scale`, `${name}/q_zero`], outputs: [`${name}/dequantised`] });
    dequantised.set(name, `${name}/dequantised`);
    return `${name}/dequantised`;
  };
  const perChannel = (base: string, data: Int8Array | Int32Array, dims: readonly number[], scales: Float32Array): string => {
    const int8 = data instanceof Int8Array;
    added.push(
      { name: `${base}/q`, dataType: int8 ? 'int8' : 'int32', dims, data },
      { name: `${base}/scale`, dataType: 'float32', dims: [scales.length], data: scales },
      { name: `${base}/zero`, dataType: int8 ? 'int8' : 'int32', dims: [scales.length], data: int8 ? new Int8Array(scales.length) : new Int32Array(scales.length) },
    );
    nodes.push({ opType: 'DequantizeLinear', name: `${base}/dq`, inputs: [`${base}/q`, `${base}/scale`, `${base}/zero`], outputs: [`${base}/dequantised`], attributes: { axis: { kind: 'int', value: 0 } } });
    return `${base}/dequantised`;
  };
  for (const n of g.nodes) {
    const inputs = n.inputs.map((i) => dequantised.get(i) ?? i);
    if (n.opType === 'Conv') {
      const x = n.inputs[0]!;
      inputs[0] = dequantised.get(x) ?? qdq(x);
      const w = initializers.get(n.inputs[1]!)!;
      const wf = w.data as Float32Array;
      const channels = w.dims[0]!;
      const per = wf.length / channels;
      const wq = new Int8Array(wf.length);
      const ws = new Float32Array(channels);
      for (let o = 0; o < channels; o++) {
        let max = 0;
        for (let i = 0; i < per; i++) max = Math.max(max, Math.abs(wf[o * per + i]!));
        ws[o] = Math.max(max / 127, 1e-12);
        for (let i = 0; i < per; i++) wq[o * per + i] = Math.round(wf[o * per + i]! / ws[o]!);
      }
      inputs[1] = perChannel(`${n.name}/weights`, wq, w.dims, ws);
      if (n.inputs[2]) {
        const b = initializers.get(n.inputs[2])!.data as Float32Array;
        const bs = ws.map((s) => s * scaleOf(x).scale);
        inputs[2] = perChannel(`${n.name}/bias`, Int32Array.from(b, (v, o) => Math.round(v / bs[o]!)), [channels], bs);
      }
    }
    nodes.push({ ...n, inputs });
    for (const o of n.outputs) if (quantisedOutputs.has(o)) qdq(o);
  }
  return { ...g, nodes, initializers: [...g.initializers, ...added] };
}
