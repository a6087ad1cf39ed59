import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtoReader, ProtoWriter } from './onnx-protobuf.ts';

const hex = (w: ProtoWriter): string => Buffer.from(w.finish()).toString('hex');

// Expected bytes from the protobuf encoding guide (developers.google.com/protocol-buffers/docs/encoding).
const cases: { name: string; write: (w: ProtoWriter) => void; bytes: string }[] = [
  { name: 'varint 150 in field 1', write: (w) => w.int(1, 150), bytes: '089601' },
  { name: 'string "testing" in field 2', write: (w) => w.string(2, 'testing'), bytes: '120774657374696e67' },
  { name: 'int64 -1 as ten bytes', write: (w) => w.int(3, -1), bytes: '18ffffffffffffffffff01' },
  { name: 'int64 above 2^32', write: (w) => w.int(1, 2n ** 35n), bytes: '088080808080' + '01' },
  { name: 'float 1.0 fixed32', write: (w) => w.float(2, 1), bytes: '150000803f' },
  { name: 'packed varints [3, 270, 86942] in field 4', write: (w) => w.packedInts(4, [3, 270, 86942]), bytes: '2206038e029ea705' },
  { name: 'empty packed field is omitted', write: (w) => w.packedInts(4, []), bytes: '' },
  { name: 'embedded message', write: (w) => w.message(3, new ProtoWriter().int(1, 150)), bytes: '1a03089601' },
];

for (const c of cases) {
  test(`ProtoWriter: ${c.name}`, () => {
    const w = new ProtoWriter();
    c.write(w);
    assert.equal(hex(w), c.bytes);
  });
}

// The reader reads back what the writer wrote, field by field, including int64 beyond 32 bits,
// negative int64 (ten-byte two's complement), packed repeats and skipped unknown fields.
test('ProtoReader reads what ProtoWriter wrote', () => {
  const bytes = new ProtoWriter()
    .int(1, 150)
    .int(2, -1)
    .int(3, 2n ** 40n)
    .string(4, 'tower_0/images')
    .float(5, 0.25)
    .packedInts(6, [3, 270, 86942, -2])
    .packedFloats(7, [1.5, -2])
    .message(8, new ProtoWriter().int(1, 7).string(2, 'x'))
    .bytes(9, Uint8Array.from([9, 8, 7]))
    .finish();
  const r = new ProtoReader(bytes);
  const seen: Record<number, unknown> = {};
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (field === 1 || field === 2 || field === 3) seen[field] = r.int();
    else if (field === 4) seen[field] = r.string();
    else if (field === 5) seen[field] = r.fixed32();
    else if (field === 6) { const into: number[] = []; r.ints(wire, into); seen[field] = into; }
    else if (field === 7) { const into: number[] = []; r.floats(wire, into); seen[field] = into; }
    else if (field === 8) {
      const sub = r.sub();
      const inner: unknown[] = [];
      for (let u = sub.tag(); u; u = sub.tag()) inner.push(u[0] === 1 ? sub.int() : sub.string());
      seen[field] = inner;
    } else r.skip(wire);
  }
  assert.deepEqual(seen, { 1: 150, 2: -1, 3: 2 ** 40, 4: 'tower_0/images', 5: 0.25, 6: [3, 270, 86942, -2], 7: [1.5, -2], 8: [7, 'x'] });
  assert.ok(r.done());
});

test('ProtoReader refuses a truncated message', () => {
  const bytes = new ProtoWriter().string(1, 'abcdef').finish();
  const r = new ProtoReader(bytes.subarray(0, 4));
  r.tag();
  assert.throws(() => r.bytes(), /truncated/);
});

test('addGraphOutput makes an inner tensor a graph output and keeps the rest of the model', async () => {
  const { graphCases } = await import('./graph-cases.fixture.ts');
  const { decodeOnnx } = await import('./onnx-decode.ts');
  const { addGraphOutput } = await import('./onnx-protobuf.ts');
  const model = graphCases()[0]!.onnx;
  const before = decodeOnnx(model);
  const inner = before.nodes[0]!.outputs[0]!;
  const after = decodeOnnx(addGraphOutput(model, { name: inner, type: 'float32', dims: [1, 8, 16, 16] }));
  assert.deepEqual(after.outputs.map((o) => o.name), [...before.outputs.map((o) => o.name), inner]);
  assert.deepEqual(after.outputs.at(-1)!.shape, [1, 8, 16, 16]);
  assert.equal(after.outputs.at(-1)!.dtype, 'float32');
  assert.equal(after.nodes.length, before.nodes.length);
  assert.deepEqual(after.initializers.map((i) => i.name), before.initializers.map((i) => i.name));
  assert.equal(after.opset, before.opset);
  assert.throws(() => addGraphOutput(addGraphOutput(model, { name: inner, type: 'float32', dims: [1] }), { name: inner, type: 'float32', dims: [1] }), /already outputs/);
});
