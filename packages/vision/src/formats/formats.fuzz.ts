// Generated MOT, COCO and YOLO files for the fuzz test and benchmark: each parser must return rows
// or throw its own format error naming the line or field, never crash.
import fc from 'fast-check';
import { expectClean, fuzzTarget, type FuzzTarget } from '../../../../test/support/fuzz.ts';
import { CocoFormatError, fromCoco } from './coco.ts';
import { MotFormatError, parseMot } from './mot.ts';
import { fromYoloLabels, YoloFormatError } from './yolo.ts';

/** Number-like text, hostile and ordinary: what a hand-edited or generated label file may hold. */
const numberText = fc.oneof(
  fc.integer({ min: -5, max: 2000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '1_000', '2147483648', '99999999999999999999', '1,5', '١٢', '\u0000'),
  fc.string({ maxLength: 6 }),
);

const lines = (fieldCounts: { min: number; max: number }, sep: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(fc.array(numberText, { minLength: fieldCounts.min, maxLength: fieldCounts.max }), sep).map(([fields, s]) => fields.join(s)), { maxLength: 20 });

export const motText = fc.oneof(
  lines({ min: 4, max: 11 }, fc.constantFrom(',', ', ', ',,')).map((l) => l.join('\n')),
  fc.array(fc.tuple(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -2, max: 3 }), fc.double(), fc.double(), fc.double(), fc.double()), { maxLength: 20 }).map((rows) => rows.map((r) => r.join(',')).join('\r\n')),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

const yoloText = fc.oneof(lines({ min: 3, max: 7 }, fc.constantFrom(' ', '\t', '  ')).map((l) => l.join('\n')), fc.string({ unit: 'binary', maxLength: 300 }));

/** A field of a COCO document: usually the right type, sometimes anything JSON allows. */
const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const cocoId = field(fc.integer({ min: -2, max: 6 }));
export const cocoDoc = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      images: field(fc.array(field(fc.record({ id: cocoId, file_name: field(fc.constantFrom('000001.jpg', 'frame_12.png', 'x.jpg', '99999999999999999999.jpg', '')), width: field(fc.nat()), height: field(fc.nat()) })), { maxLength: 6 })),
      categories: field(fc.array(field(fc.record({ id: cocoId, name: field(fc.constantFrom('person', 'car', '', 'üñí')) })), { maxLength: 4 })),
      annotations: field(
        fc.array(
          field(
            fc.record(
              {
                id: cocoId,
                image_id: cocoId,
                category_id: cocoId,
                bbox: field(fc.array(field(fc.double()), { minLength: 3, maxLength: 5 })),
                score: field(fc.double()),
                attributes: field(fc.dictionary(fc.constantFrom('track_id', 'occluded', 'clothing', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 }))),
              },
              { requiredKeys: ['image_id', 'category_id', 'bbox'] },
            ),
          ),
          { maxLength: 20 },
        ),
      ),
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Every format-parser fuzz target. */
export const formatFuzzTargets: FuzzTarget[] = [
  fuzzTarget({ name: 'MOT text', arbitrary: motText, run: (text) => void expectClean(() => parseMot(text, 'fuzz.txt'), (e) => e instanceof MotFormatError) }),
  fuzzTarget({
    name: 'COCO JSON',
    arbitrary: cocoDoc,
    run: (doc) =>
      void expectClean(
        () => {
          const parsed = fromCoco(doc);
          for (const d of parsed.detectionsByImage.values()) for (let i = 0; i < d.length; i++) d.box(i);
          return parsed;
        },
        (e) => e instanceof CocoFormatError,
      ),
  }),
  fuzzTarget({
    name: 'YOLO labels',
    arbitrary: fc.tuple(yoloText, fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 4096 }))),
    run: ([text, wh]) => void expectClean(() => fromYoloLabels(text, wh, 'fuzz.txt'), (e) => e instanceof YoloFormatError),
  }),
];
