// An attribute head as a trainable network: linear, a small MLP, or a small conv head over the
// ROI-aligned features [S, S, C] (NHWC, as AttributeHead pools them), ending in softmax.
import { ConvLayer, DenseLayer, DropoutLayer, MaxPoolLayer, NhwcToNchwLayer, ReluLayer, type Layer, type Param } from './head-layers.ts';
import { seededRandom } from './seeded-random.ts';
import type { TrainOps } from './train-ops.ts';

export type HeadArchitecture =
  | { kind: 'linear' }
  | { kind: 'mlp'; hidden: number; dropout: number }
  | { kind: 'conv'; filters: number; dropout: number };

/** Input of a head: ROI-align output side and feature channels. */
export interface HeadInput {
  side: number;
  channels: number;
}

export class HeadNetwork {
  readonly layers: Layer[];
  readonly params: Param[];
  private probs: Float32Array = new Float32Array(0);
  private dlogits: Float32Array = new Float32Array(0);

  /**
   * A freshly initialised head; the same seed gives the same weights and dropout masks.
   * @example const net = new HeadNetwork(loadTrainOps(), { side: 4, channels: 128 }, 2, { kind: 'linear' }, 7);
   */
  constructor(readonly ops: TrainOps, readonly input: HeadInput, readonly classes: number, readonly architecture: HeadArchitecture, seed: number) {
    const rand = seededRandom(seed);
    const { side, channels } = input;
    const d = side * side * channels;
    const layers: Layer[] = [];
    if (architecture.kind === 'linear') {
      layers.push(new DenseLayer(ops, d, classes, rand, 'fc'));
    } else if (architecture.kind === 'mlp') {
      layers.push(new DenseLayer(ops, d, architecture.hidden, rand, 'fc1'), new ReluLayer(ops, architecture.hidden));
      layers.push(new DropoutLayer(ops, architecture.hidden, architecture.dropout, rand), new DenseLayer(ops, architecture.hidden, classes, rand, 'fc2'));
    } else {
      if (side < 2) throw new Error('a conv head needs ROI features of side 2 or more');
      const pooled = Math.floor(side / 2);
      const flat = architecture.filters * pooled * pooled;
      layers.push(new NhwcToNchwLayer(side, channels), new ConvLayer(ops, channels, architecture.filters, side, 3, rand, 'conv'));
      layers.push(new ReluLayer(ops, architecture.filters * side * side), new MaxPoolLayer(ops, architecture.filters, side, 2));
      layers.push(new DropoutLayer(ops, flat, architecture.dropout, rand), new DenseLayer(ops, flat, classes, rand, 'fc'));
    }
    this.layers = layers;
    this.params = layers.flatMap((l) => l.params);
  }

  get inputSize(): number {
    return this.layers[0]!.inSize;
  }

  /** Logits [n, classes] (a view into the last layer's buffer: copy to keep). */
  logits(x: Float32Array, n: number, training = false): Float32Array {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, n, training);
    return h;
  }

  /** Class probabilities [n, classes] (a fresh array). */
  predict(x: Float32Array, n: number): Float32Array {
    const logits = this.logits(x, n, false);
    const probs = new Float32Array(n * this.classes);
    this.ops.softmaxCrossEntropy({ n, k: this.classes, logits, labels: new Int32Array(n), probs, dlogits: new Float32Array(n * this.classes) });
    return probs;
  }

  /** Forward + backward of the weighted cross-entropy on one batch; fills every param's grad, returns the loss. */
  lossAndGradients(x: Float32Array, labels: Int32Array, n: number, classWeights?: Float32Array, training = true): number {
    const logits = this.logits(x, n, training);
    const len = n * this.classes;
    if (this.probs.length !== len) {
      this.probs = new Float32Array(len);
      this.dlogits = new Float32Array(len);
    }
    const loss = this.ops.softmaxCrossEntropy({ n, k: this.classes, logits, labels, ...(classWeights ? { classWeights } : {}), probs: this.probs, dlogits: this.dlogits });
    let grad: Float32Array | undefined = this.dlogits;
    for (let i = this.layers.length - 1; i >= 0 && grad; i--) grad = this.layers[i]!.backward(grad, n, i > 0);
    return loss;
  }

  /** Named weights (copies), for export and storage. */
  weights(): { name: string; dims: number[]; data: Float32Array }[] {
    return this.params.map((p) => ({ name: p.name, dims: [...p.dims], data: p.value.slice() }));
  }
}
