// State of one TFJS -> ONNX conversion: emitted nodes, initializers (each written once, in the
// form its consumers need), element types of the values, and the TF -> ONNX name mapping.
import type { OnnxAttribute, OnnxDataType, OnnxNode, OnnxTensor, TensorData } from '../onnx/onnx-model.ts';
import type { TfAttrValue, TfNode, TfWeight } from './tfjs-model.ts';

/** TF NHWC -> ONNX NCHW and back. */
export const TO_NCHW = [0, 3, 1, 2] as const;
export const TO_NHWC = [0, 2, 3, 1] as const;

export class ConvertContext {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, OnnxTensor>();
  readonly types = new Map<string, OnnxDataType>();
  private readonly byName = new Map<string, TfNode>();
  private counter = 0;

  constructor(tfNodes: readonly TfNode[], readonly weights: ReadonlyMap<string, TfWeight>) {
    for (const n of tfNodes) this.byName.set(n.name, n);
  }

  /** The ONNX value name of a TF input reference ("x", "x:1", "^ctrl" is never passed here). */
  value(tfInput: string): string {
    const [node, port] = present(tfInput).split(':');
    const tf = this.byName.get(node!);
    if (tf?.op === 'Const') return this.constInitializer(node!);
    return port && port !== '0' ? `${node}:${port}` : node!;
  }

  /** The constant behind a TF input, or undefined when it is computed at run time. */
  constant(tfInput: string): TfWeight | undefined {
    let name = present(tfInput).split(':')[0]!;
    // Identity of a constant is still a constant.
    for (let node = this.byName.get(name); node?.op === 'Identity' && node.input?.[0]; node = this.byName.get(name)) name = node.input[0].split(':')[0]!;
    const node = this.byName.get(name);
    if (node?.op !== 'Const') return undefined;
    const w = this.weights.get(name);
    if (!w) throw new Error(`constant ${name} has no weights in the manifest`);
    return w;
  }

  /** A constant that must be known at conversion time (shapes, axes, sizes). */
  requireConstant(tfInput: string, node: TfNode, role: string): TfWeight {
    const c = this.constant(tfInput);
    if (!c) throw new Error(`${node.op} ${node.name}: its ${role} (${tfInput}) is computed at run time; only constant ${role}s are supported`);
    return c;
  }

  private constInitializer(name: string): string {
    if (!this.initializers.has(name)) {
      const w = this.weights.get(name);
      if (!w) throw new Error(`constant ${name} has no weights in the manifest`);
      const dataType: OnnxDataType = w.dtype === 'float32' ? 'float32' : w.dtype === 'int32' ? 'int32' : 'bool';
      this.addInitializer({ name, dataType, dims: w.shape, data: w.data });
    }
    return name;
  }

  addInitializer(t: OnnxTensor): string {
    if (!this.initializers.has(t.name)) {
      this.initializers.set(t.name, t);
      this.types.set(t.name, t.dataType);
    }
    return t.name;
  }

  /** A new initializer named after `base`, reused when the same name was made before. */
  tensor(base: string, dataType: OnnxDataType, dims: readonly number[], data: TensorData): string {
    return this.addInitializer({ name: base, dataType, dims, data });
  }

  int64(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(base, 'int64', dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  float(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(base, 'float32', dims, Float32Array.from(values));
  }

  fresh(base: string): string {
    return `${base}__${this.counter++}`;
  }

  /** Appends an ONNX node; returns its first output. */
  emit(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, OnnxAttribute>, type?: OnnxDataType): string {
    this.nodes.push({ opType, name: outputs[0]!, inputs, outputs, ...(attributes ? { attributes } : {}) });
    const t = type ?? this.types.get(inputs[0] ?? '');
    if (t) for (const o of outputs) if (!this.types.has(o)) this.types.set(o, t);
    return outputs[0]!;
  }

  typeOf(value: string): OnnxDataType | undefined {
    return this.types.get(value);
  }
}

/** TF attribute helpers. */
export function attrInts(node: TfNode, key: string): number[] | undefined {
  return node.attr?.[key]?.list?.i?.map(Number);
}

export function attrInt(node: TfNode, key: string): number | undefined {
  const v = node.attr?.[key]?.i;
  return v === undefined ? undefined : Number(v);
}

export function attrString(node: TfNode, key: string): string | undefined {
  const v: TfAttrValue | undefined = node.attr?.[key];
  return v?.s === undefined ? undefined : Buffer.from(v.s, 'base64').toString('utf8');
}

export function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

export function attrBool(node: TfNode, key: string): boolean {
  return node.attr?.[key]?.b === true;
}

export function attrFloat(node: TfNode, key: string): number | undefined {
  return node.attr?.[key]?.f;
}

/** TF DataType enum name -> ONNX element type. */
export function tfTypeToOnnx(tfType: string | undefined): OnnxDataType {
  switch (tfType) {
    case 'DT_FLOAT': return 'float32';
    case 'DT_INT32': return 'int32';
    case 'DT_INT64': return 'int64';
    case 'DT_BOOL': return 'bool';
    case 'DT_UINT8': return 'uint8';
    case 'DT_INT8': return 'int8';
    default: throw new Error(`unsupported TF data type ${tfType ?? '(missing)'}`);
  }
}

/** An input a converter reads must exist: a node of model.json may list fewer inputs than its op takes. */
function present(tfInput: string | undefined): string {
  if (typeof tfInput !== 'string') throw new Error('the node has fewer inputs than its op takes');
  return tfInput;
}
