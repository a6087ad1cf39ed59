// TFJS graph model -> ONNX model bytes. Only the nodes the requested outputs depend on are
// converted; constants become initializers in the one layout their consumers need.
import { encodeModel, type OnnxGraph, type OnnxValueInfo } from '../onnx/onnx-model.ts';
import { convOps, type OpConverter } from './conv-ops.ts';
import { ConvertContext, tfTypeToOnnx } from './convert-context.ts';
import { tensorOps } from './tensor-ops.ts';
import type { TfjsGraphModel, TfNode } from './tfjs-model.ts';

const OPSET = 13;
export const CONVERTER_VERSION = '2';

const converters: Readonly<Record<string, OpConverter>> = { ...convOps, ...tensorOps };

/** TF op types the converter handles (Const and Placeholder included). */
export const supportedTfOps: readonly string[] = ['Const', 'Placeholder', ...Object.keys(converters)].sort();

export interface ConvertOptions {
  /** Outputs to keep (TF node names, ":0" optional); default: the model's signature outputs. */
  outputs?: readonly string[];
  /** Recorded in the model's metadata (e.g. the source package and version). */
  metadata?: Readonly<Record<string, string>>;
  /** Rewrites the converted graph before it is encoded (e.g. quantisation). */
  rewrite?: (graph: OnnxGraph) => OnnxGraph;
}

export interface ConvertedModel {
  onnx: Uint8Array;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** TF op types converted, with counts. */
  ops: Record<string, number>;
}

function dataInputs(node: TfNode): string[] {
  return (node.input ?? []).filter((i) => !i.startsWith('^'));
}

/**
 * Converts a TFJS graph model to ONNX (opset 13, NHWC inputs as in TF).
 * @example const { onnx } = convertTfjsToOnnx(readTfjsGraphModel(path), { outputs: ['tower_0/detections'] });
 */
export function convertTfjsToOnnx(model: TfjsGraphModel, options: ConvertOptions = {}): ConvertedModel {
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const outputs = (options.outputs ?? model.outputs).map((o) => o.replace(/:0$/, ''));
  for (const o of outputs) if (!byName.has(o.split(':')[0]!)) throw new Error(`${model.path}: no node named "${o}" to output (outputs: ${model.outputs.join(', ')})`);

  // Depth-first post-order from the outputs: a topological order of exactly the needed nodes.
  const order: TfNode[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === 2) return;
    if (s === 1) throw new Error(`${model.path}: the graph has a cycle through ${name}`);
    const node = byName.get(name);
    if (!node) throw new Error(`${model.path}: node ${name} is referenced but not defined`);
    state.set(name, 1);
    for (const i of dataInputs(node)) visit(i.split(':')[0]!);
    state.set(name, 2);
    order.push(node);
  };
  for (const o of outputs) visit(o.split(':')[0]!);

  const unsupported = [...new Set(order.map((n) => n.op).filter((op) => op !== 'Const' && op !== 'Placeholder' && !converters[op]))];
  if (unsupported.length > 0) throw new Error(`${model.path}: unsupported TF ops ${unsupported.join(', ')}; the converter handles ${supportedTfOps.join(', ')}`);

  const ctx = new ConvertContext(model.nodes, model.weights);
  const inputs: OnnxValueInfo[] = [];
  const ops: Record<string, number> = {};
  for (const node of order) {
    ops[node.op] = (ops[node.op] ?? 0) + 1;
    if (node.op === 'Const') continue;
    if (node.op === 'Placeholder') {
      const dataType = tfTypeToOnnx(node.attr?.dtype?.type);
      const dims = node.attr?.shape?.shape?.dim?.map((d) => Number(d.size)) ?? [];
      inputs.push({ name: node.name, dataType, shape: dims.map((d, i) => (d < 0 ? (i === 0 ? 'batch' : `d${i}`) : d)) });
      ctx.types.set(node.name, dataType);
      continue;
    }
    try {
      converters[node.op]!(ctx, node, dataInputs(node));
    } catch (err) {
      const message = (err as Error).message;
      throw new Error(`${model.path}: ${message.startsWith(node.op) ? message : `${node.op} ${node.name}: ${message}`}`);
    }
  }

  const graphOutputs: OnnxValueInfo[] = outputs.map((o) => {
    const value = ctx.value(o);
    return { name: value, dataType: ctx.typeOf(value) ?? 'float32' };
  });
  const converted: OnnxGraph = { name: model.path.split('/').pop() ?? 'model', nodes: ctx.nodes, initializers: [...ctx.initializers.values()], inputs, outputs: graphOutputs };
  const onnx = encodeModel(
    options.rewrite ? options.rewrite(converted) : converted,
    { opsetVersion: OPSET, producerName: 'sightline-tfjs-to-onnx', producerVersion: CONVERTER_VERSION, metadata: { source: model.path.split('/').slice(-3).join('/'), ...(model.generatedBy ? { generatedBy: model.generatedBy } : {}), ...options.metadata } },
  );
  return { onnx, inputs, outputs: graphOutputs, ops };
}
