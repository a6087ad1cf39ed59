// 10^5 generated TFJS model.json files: inputs tried / crashes (the goal is zero).
import { fuzzLong, printTallies } from '../../../test/support/fuzz.ts';
import { modelJsonFuzzTargets } from '../src/convert/model-json.fuzz.ts';

const runs = Number(process.env.SIGHTLINE_FUZZ_RUNS ?? 100_000);
const tallies = [];
for (const target of modelJsonFuzzTargets) tallies.push(await fuzzLong(target, runs));
if (!printTallies(tallies)) process.exitCode = 1;
