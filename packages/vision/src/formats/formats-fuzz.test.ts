// MOT, COCO and YOLO parsers on generated files (about 10^3 each, fixed seed): rows or the
// parser's own format error, never a crash. The 10^5 run is packages/vision/bench/formats-fuzz.bench.ts.
import { test } from 'node:test';
import { fuzzQuick } from '../../../../test/support/fuzz.ts';
import { formatFuzzTargets } from './formats.fuzz.ts';

for (const target of formatFuzzTargets) test(target.name, () => fuzzQuick(target));
