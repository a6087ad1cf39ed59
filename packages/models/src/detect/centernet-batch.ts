// Batched CenterNet passes: N frames of one input shape through one run of the network up to the
// batch cut (convert/centernet-input.ts: the graph's decode flattens the heat map of the whole
// batch into one TopK, so it cannot run batched), then the graph's own decode tail once per frame
// on that frame's slice. Each frame's rows come from the very ops of the batch-1 graph, so they
// equal N single passes within float tolerance (the batched convolutions may sum in another order).
import type { FeatureMap } from '@sightline/native';
import type { InferenceSession } from '../backend/backend.ts';
import { CENTERNET_BATCH_CUT, CENTERNET_FEATURES } from '../convert/centernet-input.ts';
import type { InputMapping } from './object-detector.ts';

type Shape = readonly [number, number];

/** The two sessions of a batched pass at one input shape. */
export interface BatchSessions {
  /** The network with a free batch dimension, up to the cut values and the feature map (a counted network pass). */
  readonly body: InferenceSession;
  /** The decode tail for one frame (TopK and box arithmetic on the CPU; not a network pass). */
  readonly decode: InferenceSession;
}

/** A frame letterboxed for a batched pass (CenterNetDetector.prepareForBatch). */
export interface BatchInput {
  /** NHWC 0..255 floats of `shape`. */
  readonly input: Float32Array;
  readonly shape: Shape;
  readonly mapping: InputMapping;
  /** Keep this frame's slice of the shared feature map. */
  readonly withFeatures: boolean;
}

/** One frame's answer of a batched pass: its raw rows and, when asked, its own feature map. */
export interface BatchOutput {
  readonly raw: Float32Array;
  readonly features?: FeatureMap;
}

const DETECTIONS = 'tower_0/detections';

/**
 * Runs frames of one shape through one body pass and a decode per frame.
 * @example const outs = await runBatchedPass(await sessions.getBatch(shape), inputs);
 */
export async function runBatchedPass(sessions: BatchSessions, inputs: readonly BatchInput[]): Promise<BatchOutput[]> {
  const first = inputs[0];
  if (!first) return [];
  const [h, w] = first.shape;
  for (const x of inputs) {
    if (x.shape[0] !== h || x.shape[1] !== w) throw new RangeError(`a batched pass takes frames of one input shape: ${w}x${h} and ${x.shape[1]}x${x.shape[0]}`);
  }
  const n = inputs.length;
  const frameLen = h * w * 3;
  const batch = new Float32Array(n * frameLen);
  inputs.forEach((x, i) => batch.set(x.input, i * frameLen));
  const wantFeatures = inputs.some((x) => x.withFeatures);
  const { body, decode } = sessions;
  const out = await body.run({ [body.inputNames[0]!]: { type: 'float32', dims: [n, h, w, 3], data: batch } }, [...CENTERNET_BATCH_CUT, ...(wantFeatures ? [CENTERNET_FEATURES] : [])]);
  const results: BatchOutput[] = [];
  for (let i = 0; i < n; i++) {
    const feeds: Record<string, { type: 'float32'; dims: number[]; data: Float32Array }> = {};
    for (const name of CENTERNET_BATCH_CUT) {
      const t = out[name]!;
      const per = t.data.length / n;
      // A view, no copy: onnxruntime-node reads a typed array from its byte offset.
      feeds[name] = { type: 'float32', dims: [1, ...t.dims.slice(1)], data: (t.data as Float32Array).subarray(per * i, per * (i + 1)) };
    }
    const rows = (await decode.run(feeds, [DETECTIONS]))[DETECTIONS]!.data as Float32Array;
    const f = out[CENTERNET_FEATURES];
    if (inputs[i]!.withFeatures && f) {
      const per = f.data.length / n;
      const data = (f.data as Float32Array).slice(per * i, per * (i + 1));
      results.push({ raw: rows, features: { data, shape: [1, f.dims[1]!, f.dims[2]!, f.dims[3]!], layout: 'nhwc' } });
    } else results.push({ raw: rows });
  }
  return results;
}
