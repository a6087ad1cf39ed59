// The flow compiler on generated texts (about 10^3 each, fixed seed): results or positioned errors,
// never an exception. The 10^5 run is packages/flow/bench/fuzz.bench.ts.
import { test } from 'node:test';
import { fuzzQuick } from '../../../test/support/fuzz.ts';
import { flowFuzzTargets } from './flow.fuzz.ts';

for (const target of flowFuzzTargets) test(target.name, () => fuzzQuick(target));
