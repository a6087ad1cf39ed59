// Hawk's parsers of user data on generated inputs over HTTP (about 10^3 each, fixed seed): imports,
// upload headers, label schemas, save bodies answer 2xx or 4xx, never 5xx.
// The 10^5 run is services/hawk/bench/fuzz.bench.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fuzzQuick, type FuzzTarget } from '../../../test/support/fuzz.ts';
import { hawkFuzzTargets } from './testing/hawk.fuzz.ts';
import { bearer, startHawk, type HawkFixture } from './testing/hawk-fixture.ts';

let hawk: HawkFixture;
let targets: FuzzTarget[] = [];
let setId = 0;
before(async () => {
  hawk = await startHawk();
  ({ targets, setId } = await hawkFuzzTargets(hawk));
});
after(() => hawk.close());

// Imports that succeed each write a versioned save (about 20 ms here): fewer runs keep this file quick.
const runs: Record<string, number> = { 'Hawk import: MOT text': 400, 'Hawk import: COCO JSON': 400, 'Hawk import: Hawk JSON': 400, 'Hawk upload: Upload-Offset, Content-Type': 1000, 'Hawk label schema': 1000, 'Hawk save body': 1000 };
for (const [name, numRuns] of Object.entries(runs)) {
  test(name, () => fuzzQuick(targets.find((t) => t.name === name)!, Math.min(numRuns, Number(process.env.SIGHTLINE_FUZZ_RUNS ?? numRuns))));
}

// Regression found by the fuzzer: a frame key outside the pattern ('' or 'abc') skipped validation
// (a Record's pattern alone leaves other keys unchecked) and its boxes reached the save as numbers.
test('save bodies with frame keys that are not frame numbers are 400s and save nothing', async () => {
  for (const frames of [{ '': [0] }, { abc: 'x' }, { '1': [], '-1': [] }]) {
    const res = await hawk.app.inject({ method: 'PATCH', url: `/sets/${setId}/annotations`, headers: bearer(hawk.adminToken), payload: { baseVersion: 0, frames } });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().message, /body\/frames/);
  }
});

// Regression found by the fuzzer: a Hawk JSON import with a null attribute value made TypeBox's
// Value.Check throw on the route schema's attribute type (a 500); it is now a 400 naming the field.
test('a Hawk JSON import with an attribute that is not a string, number or boolean is a 400 naming it', async () => {
  const videoId = (await hawk.db.pool.query('SELECT video_id FROM hawk_annotation_sets WHERE id = $1', [setId])).rows[0].video_id;
  const doc = { format: 'hawk-annotations', version: 1, frames: [{ frame: 0, boxes: [{ label: 'person', xyxy: [0, 0, 5, 5], attributes: { occluded: null }, trackId: 't1' }] }] };
  const res = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=hawk`, headers: bearer(hawk.adminToken), payload: doc });
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.json().message, /Not a Hawk JSON file .*\/frames\/0\/boxes\/0\/attributes\/occluded/);
});
