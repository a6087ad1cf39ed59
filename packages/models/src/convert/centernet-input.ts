// CenterNet's TFJS graph was frozen for a 1x512x512x3 input: the three up-sampling sizes, the
// heat-map width that turns a flat top-k index into (x, y) and the box-gather table size are
// constants of that shape. Rewriting them lets the same weights run on a 4:3 or 16:9 input
// (no letterbox bars: a 4:3 frame at 512x384 spends 25% fewer pixels than 512x512) or, cut at
// the head outputs, on a batch of frames.
import type { TfjsGraphModel, TfNode, TfWeight } from './tfjs-model.ts';

/** The network stride: input sides must be multiples of it (the deepest feature map is 1/32). */
export const CENTERNET_STRIDE = 32;

const PLACEHOLDER = 'tower_0/images';
const UPSAMPLE: readonly [string, number][] = [
  ['tower_0/CenternetHead/c5_upsample/up_sampling2d/mul', 16],
  ['tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul', 8],
  ['tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul', 4],
];
/** Heat-map width: floordiv/mod by it split a flat index into row and column. */
const MAP_WIDTH = 'tower_0/strided_slice_6';
/** [rows of the flattened wh map, 4] for the box gather. */
const GATHER_SHAPE = 'tower_0/BatchGather/concat';

/**
 * A copy of the CenterNet graph model for an input of `heightWidth` pixels (multiples of 32).
 * `batch: 'dynamic'` marks the batch dimension free; only outputs before the in-graph top-k
 * decode (heat map, box sizes, shared features) are batch-correct then.
 * @example convertTfjsToOnnx(centernetForInput(model, [384, 512]), { outputs: ['tower_0/detections'] })
 */
export function centernetForInput(model: TfjsGraphModel, heightWidth: readonly [number, number], options: { batch?: 'dynamic' } = {}): TfjsGraphModel {
  const [h, w] = heightWidth;
  if (!(h > 0 && w > 0 && h % CENTERNET_STRIDE === 0 && w % CENTERNET_STRIDE === 0)) {
    throw new RangeError(`CenterNet input ${w}x${h}: both sides must be positive multiples of ${CENTERNET_STRIDE}`);
  }
  const weights = new Map(model.weights);
  const setInts = (name: string, values: number[]): void => {
    const old = weights.get(name);
    if (!old || old.dtype !== 'int32' || old.data.length !== values.length) throw new Error(`${model.path}: constant ${name} is not the ${values.length}-int shape constant of CenterNet; is this the CenterNet model?`);
    const patched: TfWeight = { ...old, data: Int32Array.from(values) };
    weights.set(name, patched);
  };
  for (const [name, stride] of UPSAMPLE) setInts(name, [h / stride, w / stride]);
  setInts(MAP_WIDTH, [w / 4]);
  setInts(GATHER_SHAPE, [(h / 4) * (w / 4), 4]);
  const nodes = model.nodes.map((node): TfNode => {
    if (node.name !== PLACEHOLDER) return node;
    const n = options.batch === 'dynamic' ? '-1' : '1';
    return { ...node, attr: { ...node.attr, shape: { shape: { dim: [{ size: n }, { size: String(h) }, { size: String(w) }, { size: '3' }] } } } };
  });
  if (!nodes.some((n) => n.name === PLACEHOLDER)) throw new Error(`${model.path}: no input ${PLACEHOLDER}; is this the CenterNet model?`);
  return { ...model, nodes, weights };
}

/** The shared feature map (NHWC, stride 4, 128 channels): the input of the detection heads, what attribute heads pool from. */
export const CENTERNET_FEATURES = 'tower_0/CenternetHead/mul';

/**
 * Where CenterNet's frames stop being apart: its decode flattens the peak-masked heat map of the
 * whole batch into one TopK. These two values (box sizes `[n, h/4, w/4, 4]` and the heat map with
 * non-peaks zeroed `[n, h/4, w/4, classes]`) are the last batch-correct ones; native's
 * findBatchCut finds the same cut in the converted graph.
 */
export const CENTERNET_BATCH_CUT = ['tower_0/mul', 'tower_0/mul_1'] as const;
const CUT_CHANNELS: Readonly<Record<(typeof CENTERNET_BATCH_CUT)[number], number>> = { 'tower_0/mul': 4, 'tower_0/mul_1': 80 };

/**
 * The decode tail of CenterNet at `heightWidth` for one frame: the batch cut values become its
 * inputs (placeholders of batch 1), so `tower_0/detections` is computed from one frame's slice of
 * a batched pass by the very ops of the batch-1 graph (same TopK, gather and box arithmetic).
 * @example convertTfjsToOnnx(centernetDecodeForInput(model, [384, 512]), { outputs: ['tower_0/detections'] })
 */
export function centernetDecodeForInput(model: TfjsGraphModel, heightWidth: readonly [number, number]): TfjsGraphModel {
  const sized = centernetForInput(model, heightWidth);
  const [h, w] = heightWidth;
  const dtype = sized.nodes.find((n) => n.name === PLACEHOLDER)!.attr?.dtype;
  const found = new Set<string>();
  const nodes = sized.nodes.map((node): TfNode => {
    const channels = CUT_CHANNELS[node.name as (typeof CENTERNET_BATCH_CUT)[number]];
    if (channels === undefined) return node;
    found.add(node.name);
    const dims = [1, h / 4, w / 4, channels].map((d) => ({ size: String(d) }));
    return { name: node.name, op: 'Placeholder', input: [], attr: { ...(dtype ? { dtype } : {}), shape: { shape: { dim: dims } } } };
  });
  const missing = CENTERNET_BATCH_CUT.filter((c) => !found.has(c));
  if (missing.length > 0) throw new Error(`${model.path}: no node ${missing.join(', ')} to cut the decode at; is this the CenterNet model?`);
  return { ...sized, nodes };
}

/**
 * The network input [height, width] for a source of `sourceWh`, the frame's aspect kept within a
 * shorter side of at least 384 and a longer side of 512 to 640 (multiples of 32), so the input
 * never holds more pixels than 512x512: a square frame keeps 512x512, a 4:3 frame runs at 512x384
 * (no letterbox bars: 0.69x the time at the same recall on PETS09), a 16:9 frame at 640x384
 * (people 1.25x larger than in the 512x512 letterbox: recall 0.44 vs 0.34 on mot17-mini at the
 * same cost). Shorter sides below 384 lost recall (512x288 for 16:9: 0.23), so wider frames get bars.
 * A source of at least 320 pixels on its shorter side that fits inside that input runs at its own size
 * instead, each side rounded to 32: PETS09's 480x360 at 480x352 took 0.86x the time of 512x384 at
 * recall 0.878 vs 0.873 and precision 0.748 vs 0.661 (score 0.3, dev stretch); enlarging a
 * slightly smaller frame finds nobody more. Smaller sources keep the 384 floor.
 * @example centernetInputFor([480, 360]) // [352, 480]
 */
export function centernetInputFor(sourceWh: readonly [number, number]): [number, number] {
  const [sw, sh] = sourceWh;
  if (!(sw > 0 && sh > 0)) return [512, 512];
  const aspect = Math.max(sw, sh) / Math.min(sw, sh);
  const up = (v: number) => Math.ceil(v / CENTERNET_STRIDE) * CENTERNET_STRIDE;
  const long = Math.min(640, Math.max(512, up(384 * aspect)));
  const short = Math.min(long, Math.max(384, up(long / aspect)));
  if (Math.min(sw, sh) >= 320 && Math.max(sw, sh) <= long && Math.min(sw, sh) <= short) {
    const nearest = (v: number) => Math.max(CENTERNET_STRIDE, Math.round(v / CENTERNET_STRIDE) * CENTERNET_STRIDE);
    return [nearest(sh), nearest(sw)];
  }
  return sw >= sh ? [short, long] : [long, short];
}
