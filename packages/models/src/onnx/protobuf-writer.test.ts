import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtoWriter } from './protobuf-writer.ts';

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
