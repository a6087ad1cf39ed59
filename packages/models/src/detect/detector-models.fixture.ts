// Tiny ONNX "detectors" for the decode tests, written with the repository's ONNX encoder: each
// output is a constant head tensor, except chosen entries that equal the mean of one input channel
// (so colour order, normalisation and layout change a score the test predicts).
import { attr, encodeModel, type OnnxNode, type OnnxTensor } from '../onnx/onnx-model.ts';

export interface FixtureOutput {
  name: string;
  dims: readonly number[];
  values: Float32Array;
  /** Entries (flat indices) set to the mean of input channel `channel` (channel index in the input layout). */
  fromInput?: readonly { index: number; channel: number }[];
}

/**
 * ONNX bytes of a model with one input `images` ([1,3,h,w] nchw or [1,h,w,3] nhwc) and the given outputs.
 * @example const onnx = fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 6, 3], values }] });
 */
export function fixtureDetector(spec: { size: readonly [number, number]; layout: 'nchw' | 'nhwc'; outputs: readonly FixtureOutput[] }): Uint8Array {
  const [h, w] = spec.size;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const int64 = (name: string, values: number[]): string => {
    initializers.push({ name, dataType: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  };
  // Per-channel means, [1, 3].
  nodes.push({ opType: 'ReduceMean', name: 'channel_means', inputs: ['images'], outputs: ['means'], attributes: { axes: attr.ints(spec.layout === 'nchw' ? [2, 3] : [1, 2]), keepdims: attr.int(0) } });
  for (const out of spec.outputs) {
    const constant = `${out.name}_constant`;
    initializers.push({ name: constant, dataType: 'float32', dims: out.dims, data: out.values });
    let current = constant;
    (out.fromInput ?? []).forEach(({ index, channel }, k) => {
      const tag = `${out.name}_${k}`;
      const mask = new Float32Array(out.values.length);
      mask[index] = 1;
      initializers.push({ name: `${tag}_mask`, dataType: 'float32', dims: out.dims, data: mask });
      const keep = Float32Array.from(out.values.map((_, i) => (i === index ? 0 : 1)));
      initializers.push({ name: `${tag}_keep`, dataType: 'float32', dims: out.dims, data: keep });
      nodes.push(
        { opType: 'Slice', name: `${tag}_slice`, inputs: ['means', int64(`${tag}_start`, [channel]), int64(`${tag}_end`, [channel + 1]), int64(`${tag}_axis`, [1])], outputs: [`${tag}_mean`] },
        { opType: 'Mul', name: `${tag}_place`, inputs: [`${tag}_mask`, `${tag}_mean`], outputs: [`${tag}_placed`] },
        { opType: 'Mul', name: `${tag}_clear`, inputs: [current, `${tag}_keep`], outputs: [`${tag}_cleared`] },
        { opType: 'Add', name: `${tag}_add`, inputs: [`${tag}_cleared`, `${tag}_placed`], outputs: [`${tag}_out`] },
      );
      current = `${tag}_out`;
    });
    nodes.push({ opType: 'Identity', name: `${out.name}_identity`, inputs: [current], outputs: [out.name] });
  }
  return encodeModel(
    {
      name: 'fixture-detector',
      nodes,
      initializers,
      inputs: [{ name: 'images', dataType: 'float32', shape: spec.layout === 'nchw' ? [1, 3, h, w] : [1, h, w, 3] }],
      outputs: spec.outputs.map((o) => ({ name: o.name, dataType: 'float32' as const, shape: [...o.dims] })),
    },
    { opsetVersion: 13, producerName: 'sightline-test', producerVersion: '1' },
  );
}

/** A [1, rows, cols] tensor from rows (missing rows zero). */
export function rowsTensor(rows: readonly (readonly number[])[], count: number, cols: number): Float32Array {
  const t = new Float32Array(count * cols);
  rows.forEach((r, i) => t.set(r, i * cols));
  return t;
}

/** A [1, cols, count] (channels-first) tensor from rows, as YOLOv8 heads write them. */
export function columnsTensor(rows: readonly (readonly number[])[], count: number, cols: number): Float32Array {
  const t = new Float32Array(count * cols);
  rows.forEach((r, i) => r.forEach((v, c) => (t[c * count + i] = v)));
  return t;
}
