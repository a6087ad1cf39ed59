// Hawk's HTTP parsers on generated inputs (imports, upload headers, label schemas, save bodies):
// inputs tried / crashes / 500s, the goal being zero. Each input is a real request against a real
// database (a successful import is a versioned save), so the default is 10^4 per target to stay
// within minutes; SIGHTLINE_FUZZ_HTTP_RUNS=100000 runs the full 10^5.
import { fuzzLong, printTallies } from '../../../test/support/fuzz.ts';
import { startHawk } from '../src/testing/hawk-fixture.ts';
import { hawkFuzzTargets } from '../src/testing/hawk.fuzz.ts';

const runs = Number(process.env.SIGHTLINE_FUZZ_HTTP_RUNS ?? 10_000);
const hawk = await startHawk();
try {
  const { targets } = await hawkFuzzTargets(hawk);
  const tallies = [];
  for (const target of targets) tallies.push(await fuzzLong(target, runs));
  if (!printTallies(tallies)) process.exitCode = 1;
} finally {
  await hawk.close();
}
