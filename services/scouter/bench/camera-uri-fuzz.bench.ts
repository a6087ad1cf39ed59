// 10^5 generated camera URIs: inputs tried / crashes (the goal is zero).
import { fuzzLong, printTallies } from '../../../test/support/fuzz.ts';
import { cameraUriFuzzTargets } from '../src/services/camera-uri.fuzz.ts';

const runs = Number(process.env.SIGHTLINE_FUZZ_RUNS ?? 100_000);
const tallies = [];
for (const target of cameraUriFuzzTargets) tallies.push(await fuzzLong(target, runs));
if (!printTallies(tallies)) process.exitCode = 1;
