// The layer kernels a head trainer needs, as one interface with two backends: the C++ addon
// (cpp/train_ops.cc) and the TypeScript reference (reference-ops.ts). Both sum in double in the
// same order and round to float32 once per output, so they agree bit for bit (softmax aside,
// where Math.exp and the C library's exp may differ in the last bit of a double).

export interface DenseArgs {
  n: number;
  in: number;
  out: number;
  x: Float32Array;
  /** [out, in] */
  w: Float32Array;
  b: Float32Array;
}

export interface ConvArgs {
  /** NCHW input [n, c, h, w]; weight [o, c, k, k]; stride 1; zero padding `pad`. */
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: number;
  pad: number;
  x: Float32Array;
  weight: Float32Array;
  b: Float32Array;
}

export interface PoolArgs {
  /** Planes (batch x channels) of h x w, window and stride k. */
  nc: number;
  h: number;
  w: number;
  k: number;
}

export interface SgdArgs {
  len: number;
  param: Float32Array;
  grad: Float32Array;
  v: Float32Array;
  lr: number;
  momentum: number;
  weightDecay: number;
}

export interface AdamArgs {
  len: number;
  param: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled (AdamW) weight decay. */
  weightDecay: number;
  /** 1 - beta1^t and 1 - beta2^t, computed once by the caller so every backend uses the same values. */
  bc1: number;
  bc2: number;
}

export interface TrainOps {
  /** 'cuda-emulated': the CUDA kernels' bodies looped on the CPU (a test hook, slow); 'cuda': on the GPU. */
  readonly backendName: 'cpp' | 'ts' | 'cuda' | 'cuda-emulated';
  denseForward(a: DenseArgs & { y: Float32Array }): void;
  /** dx is optional (the first layer needs no input gradient). Gradients are written, not added. */
  denseBackward(a: DenseArgs & { dy: Float32Array; dx?: Float32Array; dw: Float32Array; db: Float32Array }): void;
  convForward(a: ConvArgs & { y: Float32Array }): void;
  convBackward(a: ConvArgs & { dy: Float32Array; dx?: Float32Array; dw: Float32Array; db: Float32Array }): void;
  maxPoolForward(a: PoolArgs & { x: Float32Array; y: Float32Array; argmax: Int32Array }): void;
  maxPoolBackward(a: PoolArgs & { dy: Float32Array; argmax: Int32Array; dx: Float32Array }): void;
  reluForward(a: { len: number; x: Float32Array; y: Float32Array }): void;
  reluBackward(a: { len: number; x: Float32Array; dy: Float32Array; dx: Float32Array }): void;
  /** y = x * mask * scale; the same call with dy as x is the backward pass. */
  dropout(a: { len: number; x: Float32Array; mask: Uint8Array; scale: number; y: Float32Array }): void;
  /** Writes probs and dlogits (of the weighted mean loss), returns that loss. */
  softmaxCrossEntropy(a: { n: number; k: number; logits: Float32Array; labels: Int32Array; classWeights?: Float32Array; probs: Float32Array; dlogits: Float32Array }): number;
  sgdStep(a: SgdArgs): void;
  adamStep(a: AdamArgs): void;
}
