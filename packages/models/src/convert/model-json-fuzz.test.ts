// The TFJS model.json reader and converter on generated files (about 10^3, fixed seed): an ONNX
// model or an Error naming what is wrong, never a crash. The 10^5 run is bench/model-json-fuzz.bench.ts.
import { test } from 'node:test';
import { fuzzQuick } from '../../../../test/support/fuzz.ts';
import { modelJsonFuzzTargets } from './model-json.fuzz.ts';

for (const target of modelJsonFuzzTargets) test(target.name, () => fuzzQuick(target));

// Regressions found by the fuzzer.
import assert from 'node:assert/strict';
import { parseTfjsGraphModel } from './tfjs-model.ts';
import { convertTfjsToOnnx } from './tfjs-to-onnx.ts';

const noShards = () => new Uint8Array(0);

test('a node with fewer inputs than its op takes is an error naming the node, not a TypeError', () => {
  const json = { format: 'graph-model', modelTopology: { node: [{ name: 'shape', op: '_FusedConv2D', attr: { dtype: { type: 'DT_WHAT' } } }] }, weightsManifest: [] };
  assert.throws(() => convertTfjsToOnnx(parseTfjsGraphModel(json, 'm/model.json', noShards)), (err: Error) => err.name === 'Error' && /_FusedConv2D shape: the node has fewer inputs than its op takes/.test(err.message));
});

test('a weight whose shape claims more bytes than the shard holds is refused before allocating it', () => {
  const json = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [1e9, 4], dtype: 'float32' }] }] };
  assert.throws(() => parseTfjsGraphModel(json, 'm/model.json', () => new Uint8Array(16)), /w needs bytes up to 16000000000: the shards are truncated/);
});

test('a shard path reaching outside the model folder is refused', () => {
  const json = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] };
  assert.throws(() => parseTfjsGraphModel(json, 'm/model.json', noShards), /is not a file name beside model.json/);
});
