// 10^5 generated MOT, COCO and YOLO files per parser: inputs tried / crashes (the goal is zero).
import { fuzzLong, printTallies } from '../../../test/support/fuzz.ts';
import { formatFuzzTargets } from '../src/formats/formats.fuzz.ts';

const runs = Number(process.env.SIGHTLINE_FUZZ_RUNS ?? 100_000);
const tallies = [];
for (const target of formatFuzzTargets) tallies.push(await fuzzLong(target, runs));
if (!printTallies(tallies)) process.exitCode = 1;
