// The part of onnx.proto3 the graph planner needs: nodes, attributes, initializers, inputs and
// outputs, read with the project's one ONNX protobuf codec (onnx-protobuf.ts, whose writer the
// converter in packages/models uses). Unknown fields are skipped, so models from other
// producers decode as long as they use the ops the planner knows.
import type { AttrValue, DType, GraphNode, GraphTensor, GraphValueInfo, ModelGraph } from './graph-types.ts';
import { onnxDataType, ProtoReader } from './onnx-protobuf.ts';

function dtypeOf(code: number, where: string): DType {
  const t = onnxDataType(code);
  if (!t) throw new Error(`ONNX: ${where} has element type ${code}, which the graph planner does not handle`);
  return t;
}

function decodeTensor(r: ProtoReader): GraphTensor {
  const dims: number[] = [];
  const floatData: number[] = [];
  const intData: number[] = [];
  let code = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (field === 1) r.ints(wire, dims);
    else if (field === 2) code = r.int();
    else if (field === 4) r.floats(wire, floatData);
    else if (field === 5 || field === 7) r.ints(wire, intData);
    else if (field === 8) name = r.string();
    else if (field === 9) raw = r.bytes();
    else r.skip(wire);
  }
  const dtype = dtypeOf(code, `tensor ${name}`);
  const count = dims.reduce((a, b) => a * b, 1);
  let data: GraphTensor['data'];
  // Copies into aligned buffers: raw_data may sit at any byte offset of the file.
  if (raw) {
    const copy = raw.slice();
    if (dtype === 'float32') data = new Float32Array(copy.buffer, 0, copy.length / 4);
    else if (dtype === 'int32') data = new Int32Array(copy.buffer, 0, copy.length / 4);
    else if (dtype === 'int64') data = new BigInt64Array(copy.buffer, 0, copy.length / 8);
    else data = copy;
  } else if (dtype === 'float32') data = Float32Array.from(floatData);
  else if (dtype === 'int64') data = BigInt64Array.from(intData.map((v) => BigInt(v)));
  else if (dtype === 'int32') data = Int32Array.from(intData);
  else data = Uint8Array.from(intData);
  if (data.length !== count) throw new Error(`ONNX: tensor ${name} has ${data.length} values for dims [${dims.join(', ')}]`);
  return { name, dtype, dims, data };
}

function decodeAttribute(r: ProtoReader): [string, AttrValue] {
  let name = '';
  let type = 0;
  let f = 0;
  let i = 0;
  let s = '';
  let tensor: GraphTensor | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (field === 1) name = r.string();
    else if (field === 2) f = r.fixed32();
    else if (field === 3) i = r.int();
    else if (field === 4) s = r.string();
    else if (field === 5) tensor = decodeTensor(r.sub());
    else if (field === 7) r.floats(wire, floats);
    else if (field === 8) r.ints(wire, ints);
    else if (field === 20) type = r.int();
    else r.skip(wire);
  }
  switch (type) {
    case 1: return [name, f];
    case 2: return [name, i];
    case 3: return [name, s];
    case 4: if (tensor) return [name, tensor]; break;
    case 6: return [name, floats];
    case 7: return [name, ints];
  }
  throw new Error(`ONNX: attribute ${name} has type ${type}, which the graph planner does not handle`);
}

function decodeNode(r: ProtoReader): GraphNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attrs: Record<string, AttrValue> = {};
  let name = '';
  let opType = '';
  let domain = '';
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (field === 1) inputs.push(r.string());
    else if (field === 2) outputs.push(r.string());
    else if (field === 3) name = r.string();
    else if (field === 4) opType = r.string();
    else if (field === 5) {
      const [k, v] = decodeAttribute(r.sub());
      attrs[k] = v;
    } else if (field === 7) domain = r.string();
    else r.skip(wire);
  }
  if (domain !== '' && domain !== 'ai.onnx') throw new Error(`ONNX: node ${name} is in domain ${domain}; only the default domain is handled`);
  return { opType, name, inputs, outputs, attrs };
}

function decodeValueInfo(r: ProtoReader): GraphValueInfo {
  let name = '';
  let dtype: DType = 'float32';
  let shape: (number | string)[] | undefined;
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (field === 1) name = r.string();
    else if (field === 2) {
      const typeProto = r.sub();
      for (let tt = typeProto.tag(); tt; tt = typeProto.tag()) {
        if (tt[0] !== 1) { typeProto.skip(tt[1]); continue; }
        const tensorType = typeProto.sub();
        for (let u = tensorType.tag(); u; u = tensorType.tag()) {
          if (u[0] === 1) dtype = dtypeOf(tensorType.int(), `value ${name}`);
          else if (u[0] === 2) {
            shape = [];
            const shapeProto = tensorType.sub();
            for (let d = shapeProto.tag(); d; d = shapeProto.tag()) {
              if (d[0] !== 1) { shapeProto.skip(d[1]); continue; }
              const dim = shapeProto.sub();
              let value: number | string = '?';
              for (let e = dim.tag(); e; e = dim.tag()) {
                if (e[0] === 1) value = dim.int();
                else if (e[0] === 2) value = dim.string();
                else dim.skip(e[1]);
              }
              shape.push(value);
            }
          } else tensorType.skip(u[1]);
        }
      }
    } else r.skip(wire);
  }
  return shape ? { name, dtype, shape } : { name, dtype };
}

/**
 * Decodes ONNX ModelProto bytes into the graph the planner works on.
 * @example const graph = decodeOnnx(readFileSync('centernet.onnx'));
 */
export function decodeOnnx(bytes: Uint8Array): ModelGraph {
  // A Node Buffer's slice() shares memory; a plain Uint8Array view makes slice() copy.
  const model = new ProtoReader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let graph: ModelGraph | undefined;
  let opset = 0;
  for (let t = model.tag(); t; t = model.tag()) {
    const [field, wire] = t;
    if (field === 7) graph = decodeGraph(model.sub());
    else if (field === 8) {
      const op = model.sub();
      let domain = '';
      let version = 0;
      for (let u = op.tag(); u; u = op.tag()) {
        if (u[0] === 1) domain = op.string();
        else if (u[0] === 2) version = op.int();
        else op.skip(u[1]);
      }
      if (domain === '' || domain === 'ai.onnx') opset = version;
    } else model.skip(wire);
  }
  if (!graph) throw new Error('ONNX: the file has no graph (is it an ONNX model?)');
  return { ...graph, opset };
}

function decodeGraph(r: ProtoReader): ModelGraph {
  const nodes: GraphNode[] = [];
  const initializers: GraphTensor[] = [];
  const inputs: GraphValueInfo[] = [];
  const outputs: GraphValueInfo[] = [];
  let name = '';
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (field === 1) nodes.push(decodeNode(r.sub()));
    else if (field === 2) name = r.string();
    else if (field === 5) initializers.push(decodeTensor(r.sub()));
    else if (field === 11) inputs.push(decodeValueInfo(r.sub()));
    else if (field === 12) outputs.push(decodeValueInfo(r.sub()));
    else r.skip(wire);
  }
  const init = new Set(initializers.map((i) => i.name));
  return { name, nodes, initializers, inputs: inputs.filter((i) => !init.has(i.name)), outputs, opset: 0 };
}
