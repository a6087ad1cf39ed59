// The one interface every inference backend implements. onnxruntime on the CPU is the reference
// backend; a GPU engine plugs in here with the same sessions and tensors.

export type TensorType = 'float32' | 'int32' | 'int64' | 'bool' | 'uint8';

/** A dense tensor crossing the backend boundary. */
export interface ModelTensor {
  type: TensorType;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

/** One loaded network. */
export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the network; `outputs` limits what is fetched (default all). */
  run(feeds: Readonly<Record<string, ModelTensor>>, outputs?: readonly string[]): Promise<Record<string, ModelTensor>>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** Threads inside one operator (default SIGHTLINE_INFERENCE_THREADS, else every core). */
  threads?: number;
}

export interface Backend {
  readonly name: string;
  /** Loads an ONNX model from a file path or its bytes. */
  createSession(model: string | Uint8Array, options?: SessionOptions): Promise<InferenceSession>;
}

/** A float32 tensor, the common case. */
export function floatTensor(data: Float32Array, dims: readonly number[]): ModelTensor {
  return { type: 'float32', dims, data };
}
