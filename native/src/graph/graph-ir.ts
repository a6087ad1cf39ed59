// The mutable graph the planner passes rewrite: nodes in topological order, constants as
// plain number arrays, and per-value shapes and element types once inferred.
import type { AttrValue, DType, GraphTensor, ModelGraph } from './graph-types.ts';
import { elementCount } from './graph-types.ts';

/** Element kinds at run time: every value is 4 bytes except floats in FP16 storage. */
export type ValueKind = 'float' | 'int' | 'bool';

export interface IrNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

export interface IrConst {
  kind: ValueKind;
  dims: number[];
  data: number[] | Float32Array;
}

export interface IrGraph {
  nodes: IrNode[];
  consts: Map<string, IrConst>;
  shapes: Map<string, number[]>;
  kinds: Map<string, ValueKind>;
  inputs: string[];
  outputs: string[];
}

export function kindOf(dtype: DType): ValueKind {
  if (dtype === 'float32') return 'float';
  if (dtype === 'bool') return 'bool';
  return 'int';
}

export function constFromTensor(t: GraphTensor): IrConst {
  const kind = kindOf(t.dtype);
  const data = t.data instanceof Float32Array ? t.data : Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
  return { kind, dims: [...t.dims], data };
}

/** Builds the IR; `batch` replaces the first dimension of every graph input. */
export function buildIr(graph: ModelGraph, batch?: number): IrGraph {
  const consts = new Map<string, IrConst>();
  for (const t of graph.initializers) consts.set(t.name, constFromTensor(t));
  const shapes = new Map<string, number[]>();
  const kinds = new Map<string, ValueKind>();
  for (const input of graph.inputs) {
    if (!input.shape) throw new Error(`graph input ${input.name} has no shape; the planner needs static shapes`);
    const dims = input.shape.map((d, i) => {
      if (i === 0 && batch !== undefined) return batch;
      if (typeof d === 'string') {
        if (i === 0) return 1;
        throw new Error(`graph input ${input.name} has a free dimension ${d} at axis ${i}; only the batch may be free`);
      }
      return d;
    });
    shapes.set(input.name, dims);
    kinds.set(input.name, kindOf(input.dtype));
  }
  for (const [name, c] of consts) {
    shapes.set(name, c.dims);
    kinds.set(name, c.kind);
  }
  const nodes = graph.nodes.map((n) => ({ op: n.opType, name: n.name, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } }));
  return { nodes, consts, shapes, kinds, inputs: graph.inputs.map((i) => i.name), outputs: graph.outputs.map((o) => o.name) };
}

/** Consumers of every value (node indices), graph outputs counted as a consumer -1. */
export function consumers(g: IrGraph): Map<string, number[]> {
  const map = new Map<string, number[]>();
  g.nodes.forEach((n, i) => {
    for (const input of n.inputs) {
      if (input === '') continue;
      const list = map.get(input);
      if (list) list.push(i);
      else map.set(input, [i]);
    }
  });
  for (const o of g.outputs) {
    const list = map.get(o);
    if (list) list.push(-1);
    else map.set(o, [-1]);
  }
  return map;
}

/** Drops nodes whose outputs nobody reads (after folding and fusion). */
export function removeDeadNodes(g: IrGraph): void {
  const live = new Set(g.outputs);
  const kept: IrNode[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => live.has(o))) continue;
    kept.push(n);
    for (const input of n.inputs) live.add(input);
  }
  g.nodes = kept.reverse();
  for (const name of [...g.consts.keys()]) if (!live.has(name)) g.consts.delete(name);
}

export function shapeOf(g: IrGraph, name: string): number[] {
  const s = g.shapes.get(name);
  if (!s) throw new Error(`no shape inferred for value ${name}`);
  return s;
}

export function constSize(c: IrConst): number {
  return elementCount(c.dims);
}

export function attrInt(n: IrNode, key: string, fallback: number): number {
  const v = n.attrs[key];
  return typeof v === 'number' ? v : fallback;
}

export function attrInts(n: IrNode, key: string): number[] | undefined {
  const v = n.attrs[key];
  return Array.isArray(v) ? [...(v as number[])] : undefined;
}

export function attrString(n: IrNode, key: string, fallback: string): string {
  const v = n.attrs[key];
  return typeof v === 'string' ? v : fallback;
}
