// 10^5 generated flow texts per target: inputs tried / crashes (the goal is zero).
import { fuzzLong, printTallies } from '../../../test/support/fuzz.ts';
import { flowFuzzTargets } from '../src/flow.fuzz.ts';

const runs = Number(process.env.SIGHTLINE_FUZZ_RUNS ?? 100_000);
const tallies = [];
for (const target of flowFuzzTargets) tallies.push(await fuzzLong(target, runs));
if (!printTallies(tallies)) process.exitCode = 1;
