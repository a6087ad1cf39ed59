// Layers of an attribute head over TrainOps. Each layer keeps its buffers for the last batch
// size, so an epoch allocates nothing after its first batch.
import type { TrainOps } from './train-ops.ts';

/** A trainable tensor and its gradient (same length). */
export interface Param {
  name: string;
  dims: number[];
  value: Float32Array;
  grad: Float32Array;
}

export interface Layer {
  /** Values per sample in and out. */
  readonly inSize: number;
  readonly outSize: number;
  readonly params: Param[];
  forward(x: Float32Array, n: number, training: boolean): Float32Array;
  /** Gradient of the input from the gradient of the output; fills the params' grads. */
  backward(dy: Float32Array, n: number, needInput: boolean): Float32Array | undefined;
}

const grow = (buf: Float32Array, len: number): Float32Array => (buf.length === len ? buf : new Float32Array(len));

function param(name: string, dims: number[]): Param {
  const len = dims.reduce((a, b) => a * b, 1);
  return { name, dims, value: new Float32Array(len), grad: new Float32Array(len) };
}

/** He-uniform initialisation (ReLU gain), bias zero. */
function heUniform(p: Param, fanIn: number, rand: () => number): void {
  const limit = Math.sqrt(6 / fanIn);
  for (let i = 0; i < p.value.length; i++) p.value[i] = (rand() * 2 - 1) * limit;
}

export class DenseLayer implements Layer {
  readonly params: Param[];
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  constructor(private readonly ops: TrainOps, readonly inSize: number, readonly outSize: number, rand: () => number, name: string) {
    const w = param(`${name}.weight`, [outSize, inSize]);
    heUniform(w, inSize, rand);
    this.params = [w, param(`${name}.bias`, [outSize])];
  }
  forward(x: Float32Array, n: number): Float32Array {
    this.x = x;
    this.y = grow(this.y, n * this.outSize);
    this.ops.denseForward({ n, in: this.inSize, out: this.outSize, x, w: this.params[0]!.value, b: this.params[1]!.value, y: this.y });
    return this.y;
  }
  backward(dy: Float32Array, n: number, needInput: boolean): Float32Array | undefined {
    if (needInput) this.dx = grow(this.dx, n * this.inSize);
    const [w, b] = this.params as [Param, Param];
    this.ops.denseBackward({ n, in: this.inSize, out: this.outSize, x: this.x, w: w.value, b: b.value, dy, ...(needInput ? { dx: this.dx } : {}), dw: w.grad, db: b.grad });
    return needInput ? this.dx : undefined;
  }
}

/** 3x3 (or k x k) convolution, stride 1, same padding, over NCHW planes of side `side`. */
export class ConvLayer implements Layer {
  readonly params: Param[];
  readonly inSize: number;
  readonly outSize: number;
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  constructor(private readonly ops: TrainOps, readonly channels: number, readonly filters: number, readonly side: number, readonly k: number, rand: () => number, name: string) {
    const w = param(`${name}.weight`, [filters, channels, k, k]);
    heUniform(w, channels * k * k, rand);
    this.params = [w, param(`${name}.bias`, [filters])];
    this.inSize = channels * side * side;
    this.outSize = filters * side * side;
  }
  private args(n: number, x: Float32Array) {
    return { n, c: this.channels, h: this.side, w: this.side, o: this.filters, k: this.k, pad: (this.k - 1) / 2, x, weight: this.params[0]!.value, b: this.params[1]!.value };
  }
  forward(x: Float32Array, n: number): Float32Array {
    this.x = x;
    this.y = grow(this.y, n * this.outSize);
    this.ops.convForward({ ...this.args(n, x), y: this.y });
    return this.y;
  }
  backward(dy: Float32Array, n: number, needInput: boolean): Float32Array | undefined {
    if (needInput) this.dx = grow(this.dx, n * this.inSize);
    this.ops.convBackward({ ...this.args(n, this.x), dy, ...(needInput ? { dx: this.dx } : {}), dw: this.params[0]!.grad, db: this.params[1]!.grad });
    return needInput ? this.dx : undefined;
  }
}

export class MaxPoolLayer implements Layer {
  readonly params: Param[] = [];
  readonly inSize: number;
  readonly outSize: number;
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  private argmax: Int32Array = new Int32Array(0);
  constructor(private readonly ops: TrainOps, readonly channels: number, readonly side: number, readonly k: number) {
    this.inSize = channels * side * side;
    const out = Math.floor(side / k);
    this.outSize = channels * out * out;
  }
  forward(x: Float32Array, n: number): Float32Array {
    this.y = grow(this.y, n * this.outSize);
    if (this.argmax.length !== n * this.outSize) this.argmax = new Int32Array(n * this.outSize);
    this.ops.maxPoolForward({ nc: n * this.channels, h: this.side, w: this.side, k: this.k, x, y: this.y, argmax: this.argmax });
    return this.y;
  }
  backward(dy: Float32Array, n: number): Float32Array {
    this.dx = grow(this.dx, n * this.inSize);
    this.ops.maxPoolBackward({ nc: n * this.channels, h: this.side, w: this.side, k: this.k, dy, argmax: this.argmax, dx: this.dx });
    return this.dx;
  }
}

export class ReluLayer implements Layer {
  readonly params: Param[] = [];
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  constructor(private readonly ops: TrainOps, readonly inSize: number) {}
  get outSize(): number {
    return this.inSize;
  }
  forward(x: Float32Array, n: number): Float32Array {
    this.x = x;
    this.y = grow(this.y, n * this.inSize);
    this.ops.reluForward({ len: n * this.inSize, x, y: this.y });
    return this.y;
  }
  backward(dy: Float32Array, n: number): Float32Array {
    this.dx = grow(this.dx, n * this.inSize);
    this.ops.reluBackward({ len: n * this.inSize, x: this.x, dy, dx: this.dx });
    return this.dx;
  }
}

/** Inverted dropout: scaled at training time, the identity at inference (and in the ONNX export). */
export class DropoutLayer implements Layer {
  readonly params: Param[] = [];
  private mask: Uint8Array = new Uint8Array(0);
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  private active = false;
  constructor(private readonly ops: TrainOps, readonly inSize: number, readonly rate: number, private readonly rand: () => number) {}
  get outSize(): number {
    return this.inSize;
  }
  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    this.active = training && this.rate > 0;
    if (!this.active) return x;
    const len = n * this.inSize;
    if (this.mask.length !== len) this.mask = new Uint8Array(len);
    for (let i = 0; i < len; i++) this.mask[i] = this.rand() >= this.rate ? 1 : 0;
    this.y = grow(this.y, len);
    this.ops.dropout({ len, x, mask: this.mask, scale: 1 / (1 - this.rate), y: this.y });
    return this.y;
  }
  backward(dy: Float32Array, n: number): Float32Array {
    if (!this.active) return dy;
    this.dx = grow(this.dx, n * this.inSize);
    this.ops.dropout({ len: n * this.inSize, x: dy, mask: this.mask, scale: 1 / (1 - this.rate), y: this.dx });
    return this.dx;
  }
}

/** NHWC [S, S, C] samples (how ROI-align pools) to NCHW planes for the conv layers. */
export class NhwcToNchwLayer implements Layer {
  readonly params: Param[] = [];
  readonly inSize: number;
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  constructor(readonly side: number, readonly channels: number) {
    this.inSize = side * side * channels;
  }
  get outSize(): number {
    return this.inSize;
  }
  forward(x: Float32Array, n: number): Float32Array {
    this.y = grow(this.y, n * this.inSize);
    const { side: s, channels: c } = this;
    for (let r = 0; r < n; r++) for (let p = 0; p < s * s; p++) for (let ch = 0; ch < c; ch++) this.y[r * this.inSize + ch * s * s + p] = x[r * this.inSize + p * c + ch]!;
    return this.y;
  }
  backward(dy: Float32Array, n: number): Float32Array {
    this.dx = grow(this.dx, n * this.inSize);
    const { side: s, channels: c } = this;
    for (let r = 0; r < n; r++) for (let p = 0; p < s * s; p++) for (let ch = 0; ch < c; ch++) this.dx[r * this.inSize + p * c + ch] = dy[r * this.inSize + ch * s * s + p]!;
    return this.dx;
  }
}
