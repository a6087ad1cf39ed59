// Layer fusion: a Conv absorbs a following per-channel Add (bias) or Mul (scale folded into the
// weights), then its activation (Relu, Clip/Relu6, Sigmoid, or the hard-swish pattern
// x*a * clip(x+b, lo, hi) of MobileNetV3), so each becomes one kernel writing its output once.
import { consumers, removeDeadNodes, shapeOf, type IrGraph, type IrNode } from './graph-ir.ts';

/** Activation codes shared with the C++ kernels (graph_plan.h). */
export const ACT = { none: 0, relu: 1, clip: 2, sigmoid: 3, hardSwish: 4 } as const;

export interface FuseStats {
  biasOrScale: number;
  activation: number;
  hardSwish: number;
}

function scalarConst(g: IrGraph, name: string | undefined): number | undefined {
  if (!name) return undefined;
  const c = g.consts.get(name);
  if (!c || c.kind !== 'float' || c.data.length !== 1) return undefined;
  return Number(c.data[0]);
}

/** Per-output-channel values of a constant that broadcasts as [1, M, 1, 1] (or a scalar). */
function channelConst(g: IrGraph, name: string, channels: number): number[] | undefined {
  const c = g.consts.get(name);
  if (!c || c.kind !== 'float') return undefined;
  if (c.data.length === 1) return new Array<number>(channels).fill(Number(c.data[0]));
  const d = [...new Array(Math.max(0, 4 - c.dims.length)).fill(1), ...c.dims];
  if (d.length !== 4 || d[0] !== 1 || d[1] !== channels || d[2] !== 1 || d[3] !== 1) return undefined;
  return Array.from(c.data, Number);
}

function other(n: IrNode, v: string): string | undefined {
  if (n.inputs.length !== 2) return undefined;
  if (n.inputs[0] === v) return n.inputs[1];
  if (n.inputs[1] === v) return n.inputs[0];
  return undefined;
}

function ensureBias(g: IrGraph, conv: IrNode, channels: number): Float32Array {
  if (conv.inputs[2]) {
    const b = g.consts.get(conv.inputs[2])!;
    const copy = Float32Array.from(b.data, Number);
    const name = `${conv.name}/fused_bias`;
    g.consts.set(name, { kind: 'float', dims: [channels], data: copy });
    g.shapes.set(name, [channels]);
    g.kinds.set(name, 'float');
    conv.inputs[2] = name;
    return copy;
  }
  const name = `${conv.name}/fused_bias`;
  const data = new Float32Array(channels);
  g.consts.set(name, { kind: 'float', dims: [channels], data });
  g.shapes.set(name, [channels]);
  g.kinds.set(name, 'float');
  conv.inputs = [conv.inputs[0]!, conv.inputs[1]!, name];
  return data;
}

/**
 * Fuses bias, scale and activations into Conv nodes in place.
 * @example const stats = fuseConvolutions(ir); // conv nodes now carry attrs.act
 */
export function fuseConvolutions(g: IrGraph): FuseStats {
  const stats: FuseStats = { biasOrScale: 0, activation: 0, hardSwish: 0 };
  const removed = new Set<IrNode>();
  for (const conv of g.nodes) {
    if (conv.op !== 'Conv' || !g.consts.has(conv.inputs[1] ?? '')) continue;
    const channels = shapeOf(g, conv.outputs[0]!)[1]!;
    conv.attrs.act ??= ACT.none;
    for (;;) {
      const uses = consumers(g);
      const y = conv.outputs[0]!;
      const users = (uses.get(y) ?? []).map((i) => (i < 0 ? undefined : g.nodes[i]));
      const next = users.length === 1 ? users[0] : undefined;
      if (next && !removed.has(next) && conv.attrs.act === ACT.none && (next.op === 'Add' || next.op === 'Mul')) {
        const k = other(next, y);
        const values = k !== undefined ? channelConst(g, k, channels) : undefined;
        if (values && shapeOf(g, next.outputs[0]!).join() === shapeOf(g, y).join()) {
          const bias = ensureBias(g, conv, channels);
          if (next.op === 'Add') values.forEach((v, c) => (bias[c] = Math.fround(bias[c]! + v)));
          else {
            const w = g.consts.get(conv.inputs[1]!)!;
            const scaled = Float32Array.from(w.data, Number);
            const per = scaled.length / channels;
            for (let c = 0; c < channels; c++) {
              for (let e = 0; e < per; e++) scaled[c * per + e] = Math.fround(scaled[c * per + e]! * values[c]!);
              bias[c] = Math.fround(bias[c]! * values[c]!);
            }
            const name = `${conv.name}/scaled_weights`;
            g.consts.set(name, { kind: 'float', dims: w.dims, data: scaled });
            g.shapes.set(name, w.dims);
            g.kinds.set(name, 'float');
            conv.inputs[1] = name;
          }
          conv.outputs = [...next.outputs];
          removed.add(next);
          g.nodes = g.nodes.filter((n) => n !== next);
          stats.biasOrScale++;
          continue;
        }
      }
      if (next && conv.attrs.act === ACT.none && (next.op === 'Relu' || next.op === 'Sigmoid' || next.op === 'Clip')) {
        if (next.op === 'Clip') {
          const lo = next.inputs[1] ? scalarConst(g, next.inputs[1]) : -3.4028234663852886e38;
          const hi = next.inputs[2] ? scalarConst(g, next.inputs[2]) : 3.4028234663852886e38;
          if (lo === undefined || hi === undefined) break;
          conv.attrs.act = ACT.clip;
          conv.attrs.actParams = [lo, hi];
        } else conv.attrs.act = next.op === 'Relu' ? ACT.relu : ACT.sigmoid;
        conv.outputs = [...next.outputs];
        g.nodes = g.nodes.filter((n) => n !== next);
        stats.activation++;
        continue;
      }
      if (conv.attrs.act === ACT.none && users.length === 2 && fuseHardSwish(g, conv, users, uses)) {
        stats.hardSwish++;
        continue;
      }
      break;
    }
  }
  removeDeadNodes(g);
  return stats;
}

/** x*a * clip(x+b, lo, hi) (MobileNetV3's hard-swish as TF writes it) after a conv. */
function fuseHardSwish(g: IrGraph, conv: IrNode, users: (IrNode | undefined)[], uses: Map<string, number[]>): boolean {
  const y = conv.outputs[0]!;
  const mul = users.find((u) => u?.op === 'Mul');
  const add = users.find((u) => u?.op === 'Add');
  if (!mul || !add) return false;
  const a = scalarConst(g, other(mul, y));
  const b = scalarConst(g, other(add, y));
  if (a === undefined || b === undefined) return false;
  const single = (v: string): IrNode | undefined => {
    const list = uses.get(v) ?? [];
    return list.length === 1 && list[0]! >= 0 ? g.nodes[list[0]!] : undefined;
  };
  const clip = single(add.outputs[0]!);
  if (!clip || clip.op !== 'Clip' || clip.inputs[0] !== add.outputs[0]) return false;
  const lo = scalarConst(g, clip.inputs[1]);
  const hi = scalarConst(g, clip.inputs[2]);
  if (lo === undefined || hi === undefined) return false;
  const final = single(clip.outputs[0]!);
  if (!final || final.op !== 'Mul' || single(mul.outputs[0]!) !== final || other(final, clip.outputs[0]!) !== mul.outputs[0]) return false;
  conv.attrs.act = 4;
  conv.attrs.actParams = [a, b, lo, hi];
  conv.outputs = [...final.outputs];
  const gone = new Set([mul, add, clip, final]);
  g.nodes = g.nodes.filter((n) => !gone.has(n));
  return true;
}
