// Camera URIs on generated text (about 10^3, fixed seed): a normalised URI or a 400 saying what is
// accepted, never a crash. The 10^5 run is services/scouter/bench/camera-uri-fuzz.bench.ts.
import { test } from 'node:test';
import { fuzzQuick } from '../../../../test/support/fuzz.ts';
import { cameraUriFuzzTargets } from './camera-uri.fuzz.ts';

for (const target of cameraUriFuzzTargets) test(target.name, () => fuzzQuick(target));
