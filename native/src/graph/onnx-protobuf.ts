// The one protocol-buffers codec for ONNX files: a writer (the TFJS -> ONNX converter in
// packages/models encodes ModelProto with it) and a reader (the graph planner decodes
// ModelProto with it), with the element-type codes both sides share. Only what onnx.proto3
// needs: varints (int64 two's complement), fixed32 floats, length-delimited bytes, strings and
// sub-messages, packed repeats. It lives here, the lower package, because packages/models
// depends on @sightline/native and not the other way round.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

export type OnnxDataType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool';

/** TensorProto.DataType codes of the element types handled on both sides. */
export const ONNX_TYPE_CODE: Readonly<Record<OnnxDataType, number>> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 };

const TYPE_OF_CODE: ReadonlyMap<number, OnnxDataType> = new Map(Object.entries(ONNX_TYPE_CODE).map(([k, v]) => [v, k as OnnxDataType]));

/** The element type of a TensorProto.DataType code, or undefined for one not handled. */
export function onnxDataType(code: number): OnnxDataType | undefined {
  return TYPE_OF_CODE.get(code);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Builds one protobuf message as a list of byte chunks, concatenated once by `finish`.
 * @example const bytes = new ProtoWriter().int(1, 150).string(2, 'x').finish();
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      // The common case (tags, lengths, dims, small ints) without BigInt arithmetic.
      const out: number[] = [];
      let v = value;
      while (v > 0x7f) {
        out.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      out.push(v);
      this.push(Uint8Array.from(out));
      return;
    }
    // Negative int64 values are written as their 10-byte two's complement, as protobuf requires.
    const big = BigInt(value);
    let v = big < 0n ? BigInt.asUintN(64, big) : big;
    const out: number[] = [];
    while (v > 0x7fn) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  /** An int32/int64/enum/bool field (varint). */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated varint field (int64 lists such as dims and ints). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

/**
 * Reads one protobuf message field by field; unknown fields are skipped with `skip`.
 * @example const r = new ProtoReader(bytes); for (let t = r.tag(); t; t = r.tag()) r.skip(t[1]);
 */
export class ProtoReader {
  pos: number;
  private readonly end: number;
  private view: DataView | undefined;

  constructor(private readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a signed JS number (int64 two's complement); exact up to 2^53. */
  int(): number {
    // Fast path: up to four bytes (28 bits) in plain number arithmetic.
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= this.end) throw new Error('ONNX: truncated varint');
      const b = this.buf[this.pos++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    let big = BigInt(result);
    for (let shift = 28n; ; shift += 7n) {
      if (this.pos >= this.end) throw new Error('ONNX: truncated varint');
      const b = this.buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number(BigInt.asIntN(64, big));
    }
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const len = this.int();
    if (len < 0 || this.pos + len > this.end) throw new Error('ONNX: truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return decoder.decode(this.bytes());
  }

  /** A reader over an embedded message (shares the buffer). */
  sub(): ProtoReader {
    const len = this.int();
    if (len < 0 || this.pos + len > this.end) throw new Error('ONNX: truncated length-delimited field');
    const r = new ProtoReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new Error('ONNX: truncated fixed32');
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Next tag as [field, wireType], or undefined at the end. */
  tag(): [number, number] | undefined {
    if (this.done()) return undefined;
    const t = this.int();
    return [t >>> 3, t & 7];
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.int();
    else if (wire === WIRE_FIXED64) this.pos += 8;
    else if (wire === WIRE_LEN) this.bytes();
    else if (wire === WIRE_FIXED32) this.pos += 4;
    else throw new Error(`ONNX: unsupported protobuf wire type ${wire}`);
  }

  /** Repeated int64: packed (wire 2) or one value (wire 0). */
  ints(wire: number, into: number[]): void {
    if (wire === WIRE_LEN) {
      const r = this.sub();
      while (!r.done()) into.push(r.int());
    } else into.push(this.int());
  }

  /** Repeated float: packed (wire 2) or one value (wire 5). */
  floats(wire: number, into: number[]): void {
    if (wire === WIRE_LEN) {
      const r = this.sub();
      while (!r.done()) into.push(r.fixed32());
    } else into.push(this.fixed32());
  }
}

/**
 * The same ONNX model with one more graph output: a tensor the graph already computes (e.g. a
 * detector's feature map) becomes fetchable from the same pass. Only the graph's output list
 * changes; every other byte is kept. Throws when the output is already listed.
 * @example const withMap = addGraphOutput(bytes, { name: 'tower_0/CenternetHead/mul', type: 'float32', dims: [1, 128, 128, 128] });
 */
export function addGraphOutput(model: Uint8Array, output: { name: string; type: OnnxDataType; dims: readonly number[] }): Uint8Array {
  const r = new ProtoReader(model);
  for (let start = r.pos, t = r.tag(); t; start = r.pos, t = r.tag()) {
    // ModelProto.graph (7) holds GraphProto; its outputs are field 12 (ValueInfoProto).
    if (t[0] !== 7 || t[1] !== WIRE_LEN) {
      r.skip(t[1]);
      continue;
    }
    const graph = r.bytes();
    const end = r.pos;
    const g = new ProtoReader(graph);
    for (let u = g.tag(); u; u = g.tag()) {
      if (u[0] === 12 && u[1] === WIRE_LEN) {
        const info = g.sub();
        for (let v = info.tag(); v; v = info.tag()) {
          if (v[0] === 1 && info.string() === output.name) throw new Error(`ONNX: the graph already outputs ${output.name}`);
          else if (v[0] !== 1) info.skip(v[1]);
        }
      } else g.skip(u[1]);
    }
    // ValueInfoProto { name = 1; type = 2 { tensor_type = 1 { elem_type = 1; shape = 2 { dim = 1 { dim_value = 1 } } } } }
    const shape = new ProtoWriter();
    for (const d of output.dims) shape.message(1, new ProtoWriter().int(1, d));
    const info = new ProtoWriter().string(1, output.name).message(2, new ProtoWriter().message(1, new ProtoWriter().int(1, ONNX_TYPE_CODE[output.type]).message(2, shape)));
    const extra = new ProtoWriter().message(12, info).finish();
    const newGraph = new Uint8Array(graph.length + extra.length);
    newGraph.set(graph);
    newGraph.set(extra, graph.length);
    const field = new ProtoWriter().bytes(7, newGraph).finish();
    const out = new Uint8Array(start + field.length + (model.length - end));
    out.set(model.subarray(0, start));
    out.set(field, start);
    out.set(model.subarray(end), start + field.length);
    return out;
  }
  throw new Error('ONNX: the file has no graph (is it an ONNX model?)');
}
