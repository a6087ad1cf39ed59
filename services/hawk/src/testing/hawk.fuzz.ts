// Generated inputs for Hawk's HTTP parsers, for the fuzz test and benchmark: imports (MOT, COCO),
// upload headers (Upload-Offset, Content-Type), label schemas and save bodies. Every answer must be
// 2xx or 4xx; a 5xx is a failure.
import fc from 'fast-check';
import { cocoDoc, motText } from '../../../../packages/vision/src/formats/formats.fuzz.ts';
import { expectNo5xx, fuzzTarget, type FuzzTarget } from '../../../../test/support/fuzz.ts';
import { bearer, makeTestVideo, testSchema, type HawkFixture } from './hawk-fixture.ts';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';

const anyJson = fc.jsonValue({ maxDepth: 3 });
const sometimes = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: anyJson });
const headerText = fc.oneof(
  fc.integer({ min: -5, max: 5000 }).map(String),
  fc.constantFrom('', ' ', '0', '00', '-0', '1e3', '0x10', '1.5', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999999', '1,2', ' 7 ', 'abc'),
  fc.string({ maxLength: 12 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
);
const contentType = fc.oneof(
  fc.constantFrom('application/octet-stream', 'application/octet-stream; charset=utf-8', 'APPLICATION/OCTET-STREAM', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'video/mp4', '', ';', '*/*'),
  fc.string({ maxLength: 30 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
);

const attributeSpec = fc.oneof(
  fc.record({ name: fc.string({ maxLength: 70 }), type: fc.constant('select'), options: sometimes(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 })), default: fc.string({ maxLength: 8 }) }),
  fc.record({ name: fc.string({ maxLength: 10 }), type: fc.constant('checkbox'), default: sometimes(fc.boolean()) }),
  fc.record({ name: fc.string({ maxLength: 10 }), type: fc.constant('number'), min: fc.double(), max: fc.double(), default: fc.double() }, { requiredKeys: ['name', 'type', 'default'] }),
  fc.record({ name: fc.string({ maxLength: 10 }), type: fc.constantFrom('text', 'date', ''), default: fc.string({ maxLength: 20 }) }),
  anyJson,
);
const labelSchema = sometimes(
  fc.record({
    classes: sometimes(fc.array(sometimes(fc.record({ name: fc.string({ maxLength: 70 }), color: fc.constantFrom('#ff0000', 'red', '#12345', ''), hotkey: fc.string({ maxLength: 2 }), attributes: sometimes(fc.array(attributeSpec, { maxLength: 3 })) }, { requiredKeys: ['name'] })), { maxLength: 4 })),
  }),
);

const coord = fc.oneof(fc.double({ min: -10, max: 400, noNaN: true }), fc.constantFrom(0, 1e308, -1e308, 1e7 + 1));
const box = fc.record({ id: fc.string({ maxLength: 70 }), label: fc.constantFrom('person', 'car', 'dog', ''), xyxy: sometimes(fc.tuple(coord, coord, coord, coord)), attributes: sometimes(fc.dictionary(fc.constantFrom('clothing', 'occluded', 'x'), fc.oneof(fc.string({ maxLength: 6 }), fc.boolean(), fc.double()))) });
const keyframe = fc.record({ frame: fc.oneof(fc.integer({ min: -1, max: 30 }), fc.constantFrom(2147483648, 1e20)), xyxy: fc.tuple(coord, coord, coord, coord), outside: fc.boolean() }, { requiredKeys: ['frame', 'xyxy'] });
const saveBody = fc.record(
  {
    baseVersion: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom(2147483648, 1.5)),
    frames: sometimes(fc.dictionary(fc.oneof(fc.integer({ min: 0, max: 30 }).map(String), fc.constantFrom('-1', 'x', '99999999999', '2147483648')), fc.array(sometimes(box), { maxLength: 3 }), { maxKeys: 3 })),
    tracks: sometimes(fc.array(fc.record({ id: fc.string({ maxLength: 5 }), label: fc.constantFrom('person', 'car', 'dog'), attributes: fc.constant({}), keyframes: fc.array(keyframe, { maxLength: 3 }) }), { maxLength: 2 })),
    deletedTrackIds: sometimes(fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 })),
  },
  { requiredKeys: ['baseVersion'] },
);

const hawkDoc = fc.record(
  {
    format: fc.constantFrom('hawk-annotations', 'hawk-annotations', 'coco'),
    version: fc.constantFrom(1, 1, 2, '1'),
    classes: sometimes(fc.array(fc.constantFrom('person', 'car', 'dog'), { maxLength: 3 })),
    frames: sometimes(
      fc.array(
        sometimes(fc.record({
          frame: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constantFrom(2147483648, 0.5)),
          boxes: sometimes(fc.array(sometimes(fc.record({ label: fc.constantFrom('person', 'car', 'dog', ''), xyxy: sometimes(fc.tuple(coord, coord, coord, coord)), attributes: sometimes(fc.dictionary(fc.constantFrom('clothing', 'occluded'), fc.oneof(fc.string({ maxLength: 5 }), fc.boolean()))), trackId: fc.oneof(fc.constant(null), fc.constantFrom('t1', 't2', '')) })), { maxLength: 4 })),
        })),
        { maxLength: 5 },
      ),
    ),
  },
  { requiredKeys: ['format', 'version'] },
);

/** Sets up a project, a ready video and a half-uploaded one on the fixture, and returns the targets. */
export async function hawkFuzzTargets(hawk: HawkFixture): Promise<{ targets: FuzzTarget[]; videoId: number; setId: number }> {
  const admin = bearer(hawk.adminToken);
  const project = (await hawk.app.inject({ method: 'POST', url: '/projects', headers: admin, payload: { name: 'fuzz', labelSchema: testSchema } })).json() as { id: number };
  const video = await hawk.upload(project.id, makeTestVideo(join(hawk.mediaDir, 'fuzz.mp4'), { seconds: 1, fps: 10 }));
  const set = (await hawk.app.inject({ method: 'GET', url: `/videos/${video.id}/sets`, headers: admin })).json()[0] as { id: number };
  const uploading = (await hawk.app.inject({ method: 'POST', url: `/projects/${project.id}/videos`, headers: admin, payload: { fileName: 'never-finished.mp4', sizeBytes: 1e9 } })).json() as { id: number };
  const inject = async (request: InjectOptions) => {
    const res = await hawk.app.inject(request);
    expectNo5xx(res.statusCode, res.body);
  };
  const targets = [
    fuzzTarget({ name: 'Hawk import: MOT text', arbitrary: motText, run: (text) => inject({ method: 'POST', url: `/videos/${video.id}/import?format=mot`, headers: { ...admin, 'content-type': 'text/plain' }, payload: text }) }),
    fuzzTarget({ name: 'Hawk import: COCO JSON', arbitrary: cocoDoc, run: (doc) => inject({ method: 'POST', url: `/videos/${video.id}/import?format=coco`, headers: { ...admin, 'content-type': 'application/json' }, payload: JSON.stringify(doc) }) }),
    fuzzTarget({ name: 'Hawk import: Hawk JSON', arbitrary: hawkDoc, run: (doc) => inject({ method: 'POST', url: `/videos/${video.id}/import?format=hawk`, headers: { ...admin, 'content-type': 'application/json' }, payload: JSON.stringify(doc) }) }),
    fuzzTarget({
      name: 'Hawk upload: Upload-Offset, Content-Type',
      arbitrary: fc.record({ offset: fc.option(headerText), type: fc.option(contentType), body: fc.uint8Array({ maxLength: 64 }) }),
      run: ({ offset, type, body }) =>
        inject({ method: 'PATCH', url: `/videos/${uploading.id}/content`, headers: { ...admin, ...(offset === null ? {} : { 'upload-offset': offset }), ...(type === null ? {} : { 'content-type': type }) }, payload: Buffer.from(body) }),
    }),
    fuzzTarget({ name: 'Hawk label schema', arbitrary: fc.record({ name: fc.string({ maxLength: 10 }), labelSchema }), run: (body) => inject({ method: 'POST', url: '/projects', headers: admin, payload: body }) }),
    fuzzTarget({ name: 'Hawk save body', arbitrary: saveBody, run: (body) => inject({ method: 'PATCH', url: `/sets/${set.id}/annotations`, headers: admin, payload: body }) }),
  ];
  return { targets, videoId: video.id, setId: set.id };
}
