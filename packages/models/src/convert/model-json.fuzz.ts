// Generated TFJS model.json files (and weight shards) for the fuzz test and benchmark: reading and
// converting one must give an ONNX model or an Error naming what is wrong, never a crash.
import fc from 'fast-check';
import { expectClean, fuzzTarget, type FuzzTarget } from '../../../../test/support/fuzz.ts';
import { parseTfjsGraphModel } from './tfjs-model.ts';
import { convertTfjsToOnnx, supportedTfOps } from './tfjs-to-onnx.ts';

const NAMES = ['input', 'w', 'b', 'conv', 'relu', 'out', 'shape', 'axis'];
const anyJson = fc.jsonValue({ maxDepth: 2 });
const sometimes = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: anyJson });

const attrValue = fc.oneof(
  fc.record({ i: fc.oneof(fc.integer({ min: -3, max: 8 }).map(String), fc.constantFrom('9999999999', 'x', '')) }),
  fc.record({ f: fc.oneof(fc.double(), fc.constant(0.1)) }),
  fc.record({ b: fc.boolean() }),
  fc.record({ s: fc.constantFrom('TlNIV0M=', 'TkNIVw==', 'U0FNRQ==', 'VkFMSUQ=', '', '!!') }),
  fc.record({ type: fc.constantFrom('DT_FLOAT', 'DT_INT32', 'DT_BOOL', 'DT_STRING', 'DT_WHAT') }),
  fc.record({ list: fc.record({ i: fc.array(fc.integer({ min: -2, max: 5 }).map(String), { maxLength: 5 }), f: fc.array(fc.double(), { maxLength: 4 }), s: fc.array(fc.constantFrom('cmVsdQ==', 'Qmlhc0FkZA=='), { maxLength: 3 }) }, { requiredKeys: [] }) }),
  fc.record({ shape: fc.record({ dim: fc.array(fc.record({ size: fc.constantFrom('-1', '1', '3', '8', '100000000000') }), { maxLength: 5 }) }, { requiredKeys: [] }) }),
  fc.record({ tensor: anyJson }),
);
const attrKeys = fc.constantFrom('dtype', 'T', 'shape', 'value', 'strides', 'padding', 'dilations', 'data_format', 'fused_ops', 'epsilon', 'alpha', 'leakyrelu_alpha', 'num_args', 'keep_dims', 'begin_mask', 'end_mask', 'shrink_axis_mask', 'align_corners', 'ksize', 'num_split', 'k', 'sorted');

const node = fc.record(
  {
    name: fc.constantFrom(...NAMES),
    op: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...supportedTfOps) }, { weight: 1, arbitrary: fc.constantFrom('Unknown', '', 'Const') }),
    input: fc.array(fc.constantFrom(...NAMES, ...NAMES.map((n) => `${n}:1`), '^w', 'missing'), { maxLength: 4 }),
    attr: fc.dictionary(attrKeys, attrValue, { maxKeys: 5 }),
  },
  { requiredKeys: ['name', 'op'] },
);

const weight = fc.record(
  {
    name: fc.constantFrom(...NAMES),
    shape: sometimes(fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(-1, 1e9, 2 ** 31, 0.5)), { maxLength: 4 })),
    dtype: fc.constantFrom('float32', 'int32', 'bool', 'string', 'complex64'),
    quantization: fc.record({ dtype: fc.constantFrom('uint8', 'uint16', 'float16', 'int4'), scale: fc.double(), min: fc.double(), original_dtype: fc.constantFrom('float32', 'int32') }, { requiredKeys: ['dtype'] }),
  },
  { requiredKeys: ['name', 'shape', 'dtype'] },
);

const modelJson = fc.record(
  {
    format: fc.constantFrom('graph-model', 'graph-model', 'layers-model', ''),
    modelTopology: sometimes(fc.record({ node: sometimes(fc.array(sometimes(node), { maxLength: 8 })) }, { requiredKeys: [] })),
    weightsManifest: sometimes(fc.array(sometimes(fc.record({ paths: sometimes(fc.array(fc.constantFrom('w.bin', 'missing.bin', '../etc/passwd', ''), { maxLength: 2 })), weights: sometimes(fc.array(weight, { maxLength: 4 })) })), { maxLength: 2 })),
    signature: sometimes(fc.record({ inputs: fc.dictionary(fc.constantFrom('x', 'y'), sometimes(fc.record({ name: fc.constantFrom(...NAMES, 'input:0') }))), outputs: fc.dictionary(fc.constantFrom('x', 'y'), sometimes(fc.record({ name: fc.constantFrom(...NAMES, 'out:0', 'nowhere') }))) }, { requiredKeys: [] })),
    generatedBy: anyJson,
  },
  { requiredKeys: ['format'] },
);

/** Reads and converts, with the shard's bytes held in memory (no file system). */
function readAndConvert([json, shard]: [unknown, Uint8Array]): void {
  expectClean(() => {
    const model = parseTfjsGraphModel(json, 'fuzz/model.json', (name) => {
      if (name !== 'w.bin') throw new Error(`weight shard ${name} not found`);
      return shard;
    });
    return convertTfjsToOnnx(model);
  });
}

/** The model.json reader and converter fuzz target. */
export const modelJsonFuzzTargets: FuzzTarget[] = [fuzzTarget({ name: 'TFJS model.json -> ONNX', arbitrary: fc.tuple(modelJson, fc.uint8Array({ maxLength: 512 })), run: readAndConvert })];
