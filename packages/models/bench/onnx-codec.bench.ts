// The ONNX protobuf codec on CenterNet: TFJS -> ONNX conversion (graph build + encode), and the
// encode and decode of the converted ModelProto alone, median of a few runs each.
// Run: node --import tsx packages/models/bench/onnx-codec.bench.ts [runs]
import { decodeOnnx } from '@sightline/native';
import { convertTfjsToOnnx, modelCard, readTfjsGraphModel, sourceModelPath } from '../src/index.ts';
import { encodeModel } from '../src/onnx/onnx-model.ts';

const RUNS = Number(process.argv[2] ?? 7);
const card = modelCard('centernet');
const source = readTfjsGraphModel(sourceModelPath(card));
const outputs = card.outputs.map((o) => o.name);

function median(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

let bytes: Uint8Array = new Uint8Array();
const convertMs = median(() => { bytes = convertTfjsToOnnx(source, { outputs }).onnx; });
const graph = decodeOnnx(bytes);
const encodeMs = median(() => {
  encodeModel(
    {
      name: graph.name,
      nodes: graph.nodes.map((n) => ({ opType: n.opType, name: n.name, inputs: n.inputs, outputs: n.outputs })),
      initializers: graph.initializers.map((t) => ({ name: t.name, dataType: t.dtype, dims: t.dims, data: t.data })),
      inputs: graph.inputs.map((v) => ({ name: v.name, dataType: v.dtype, shape: v.shape })),
      outputs: graph.outputs.map((v) => ({ name: v.name, dataType: v.dtype, shape: v.shape })),
    },
    { opsetVersion: graph.opset, producerName: 'bench', producerVersion: '1' },
  );
});
const decodeMs = median(() => decodeOnnx(bytes));
console.log(`onnx codec: centernet ${(bytes.length / 1e6).toFixed(2)} MB, ${graph.nodes.length} nodes, ${graph.initializers.length} initializers; median of ${RUNS}`);
console.log(`  convert (tfjs -> onnx bytes) ${convertMs.toFixed(1)} ms`);
console.log(`  encode ModelProto            ${encodeMs.toFixed(1)} ms (nodes without attributes)`);
console.log(`  decode ModelProto            ${decodeMs.toFixed(1)} ms`);
