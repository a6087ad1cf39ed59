// Hawk as a team tool through the HTTP API on a real database: users an admin manages (role,
// password reset, disable), project membership, blind replicas until the merge, assignments whose
// range the server enforces, "my assignments", and a merge report that says who disagreed and why.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import type { HawkAnnotationSetInfo, HawkBox, HawkMergeResult } from '@sightline/contracts';
import { bearer, makeTestVideo, startHawk, testSchema, type HawkFixture } from './testing/hawk-fixture.ts';
import { readZip } from './testing/zip-reader.ts';

let hawk: HawkFixture;
let admin: Record<string, string>;
let projectId: number;
let otherProjectId: number;
let videoId: number;
let alice: { id: number; headers: Record<string, string> };
let bob: { id: number; headers: Record<string, string> };
let rita: { id: number; headers: Record<string, string> };

const box = (id: string, xyxy: [number, number, number, number], label = 'person', attributes: HawkBox['attributes'] = {}): HawkBox => ({ id, label, xyxy, attributes });
const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) =>
  hawk.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

before(async () => {
  hawk = await startHawk();
  admin = bearer(hawk.adminToken);
  projectId = (await call('POST', '/projects', admin, { name: 'team', labelSchema: testSchema })).json().id;
  otherProjectId = (await call('POST', '/projects', admin, { name: 'secret', labelSchema: testSchema })).json().id;
  videoId = (await hawk.upload(projectId, makeTestVideo(join(hawk.mediaDir, 'clip.mp4'), { seconds: 2, fps: 10 }))).id;
  alice = await hawk.user('alice', 'annotator', [projectId]);
  bob = await hawk.user('bob', 'annotator', [projectId]);
  rita = await hawk.user('rita', 'reviewer');
});
after(() => hawk.close());

test('annotators see only the projects they are members of; reviewers see all; GET /users is for reviewers and admins', async () => {
  const names = async (h: Record<string, string>) => (await call('GET', '/projects', h)).json().map((p: { name: string }) => p.name);
  assert.deepEqual(await names(alice.headers), ['team']);
  assert.deepEqual(await names(rita.headers), ['team', 'secret']);
  const denied = await call('GET', `/projects/${otherProjectId}`, alice.headers);
  assert.equal(denied.statusCode, 403);
  assert.match(denied.json().message, /not a member of project "secret"/);
  assert.equal((await call('GET', `/projects/${otherProjectId}/videos`, alice.headers)).statusCode, 403);
  const accounts = await call('GET', '/users', rita.headers);
  assert.equal(accounts.statusCode, 200, 'reviewers list the accounts they assign work to');
  assert.ok(['alice', 'bob', 'rita'].every((name) => accounts.json().some((u: { username: string }) => u.username === name)), accounts.body);
  assert.equal((await call('GET', '/users', alice.headers)).statusCode, 403, 'annotators do not list users');
  const members = (await call('GET', `/projects/${projectId}/members`, rita.headers)).json();
  assert.deepEqual(members.map((u: { username: string }) => u.username), ['alice', 'bob']);
});

test('an assignment needs project members; replicas are blind until the merge; saves outside the range are refused', async () => {
  const dave = await hawk.user('dave', 'annotator', [otherProjectId]);
  const outsider = await call('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 0, frameTo: 9, annotatorIds: [alice.id, dave.id] });
  assert.equal(outsider.statusCode, 400);
  assert.match(outsider.json().message, new RegExp(`User ${dave.id} cannot take this assignment: annotators must be members of project "team"`));
  const a1 = (await call('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 0, frameTo: 9, annotatorIds: [alice.id, bob.id] })).json();
  const a2 = (await call('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 5, frameTo: 14, annotatorIds: [bob.id] })).json();
  const setOf = (a: { replicas: HawkAnnotationSetInfo[] }, who: number) => a.replicas.find((r) => r.annotatorId === who)!;
  const aliceSet = setOf(a1, alice.id);
  const bobSet = setOf(a1, bob.id);
  assert.deepEqual([aliceSet.frameFrom, aliceSet.frameTo], [0, 9]);

  // Alice sees the main set and her replica, not Bob's; Bob's replica answers 403 with the reason.
  const seen = (await call('GET', `/videos/${videoId}/sets`, alice.headers)).json().map((s: HawkAnnotationSetInfo) => s.id);
  assert.ok(seen.includes(aliceSet.id) && !seen.includes(bobSet.id) && !seen.includes(setOf(a2, bob.id).id), JSON.stringify(seen));
  const peek = await call('GET', `/sets/${bobSet.id}/annotations`, alice.headers);
  assert.equal(peek.statusCode, 403);
  assert.match(peek.json().message, /blind until their assignment is merged/);
  assert.deepEqual((await call('GET', `/videos/${videoId}/assignments`, alice.headers)).json().map((a: { id: number }) => a.id), [a1.id]);
  assert.equal((await call('GET', `/videos/${videoId}/sets`, rita.headers)).json().length, 4, 'the reviewer sees main + 3 replicas');

  // "My assignments" opens each job at its range.
  const mine = (await call('GET', '/me/assignments', bob.headers)).json();
  assert.deepEqual(mine.map((m: { setId: number; frameFrom: number; frameTo: number }) => [m.setId, m.frameFrom, m.frameTo]), [[setOf(a2, bob.id).id, 5, 14], [bobSet.id, 0, 9]]);

  // Frame 11 (index 10) is outside alice's frames 1-10: refused, nothing written.
  const outside = await call('PATCH', `/sets/${aliceSet.id}/annotations`, alice.headers, { baseVersion: 0, frames: { '3': [box('a', [10, 10, 60, 60])], '10': [box('b', [10, 10, 60, 60])] } });
  assert.equal(outside.statusCode, 400);
  assert.match(outside.json().message, /frame 11 is outside assignment \d+'s frames 1–10/);
  const track = { id: 't1', label: 'person', attributes: {}, keyframes: [{ frame: 8, xyxy: [0, 0, 20, 20], outside: false }, { frame: 12, xyxy: [0, 0, 20, 20], outside: false }] };
  assert.equal((await call('PATCH', `/sets/${aliceSet.id}/annotations`, alice.headers, { baseVersion: 0, tracks: [track] })).statusCode, 400, 'a keyframe past the range');
  assert.equal((await call('GET', `/sets/${aliceSet.id}/annotations`, alice.headers)).json().set.version, 0);

  // Both draw; the planted disagreement: same box, alice says person (coat), bob says car.
  const ok = await call('PATCH', `/sets/${aliceSet.id}/annotations`, alice.headers, { baseVersion: 0, frames: { '2': [box('a', [10, 10, 60, 60], 'person', { clothing: 'coat', occluded: false }), box('c', [100, 100, 140, 150])] } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal((await call('PATCH', `/sets/${bobSet.id}/annotations`, bob.headers, { baseVersion: 0, frames: { '2': [box('b', [12, 10, 62, 60], 'car')] } })).statusCode, 200);
  assert.equal((await call('PATCH', `/sets/${bobSet.id}/annotations`, alice.headers, { baseVersion: 1, frames: { '2': [] } })).statusCode, 403, "writing another's replica");

  // The merge report: one object with a class disagreement, one dropped for quorum.
  const merge: HawkMergeResult = (await call('POST', `/assignments/${a1.id}/merge`, rita.headers, { minIou: 0.5, quorum: 1 })).json();
  assert.equal(merge.kept, 1);
  assert.equal(merge.unanimous, 0);
  const [shared, lone] = merge.objects!;
  assert.equal(shared!.frame, 2);
  assert.equal(shared!.classAgreed, false);
  assert.deepEqual(shared!.members.map((m) => [m.username, m.label]), [['alice', 'person'], ['bob', 'car']]);
  assert.match(shared!.problems.join(' | '), /class: alice "person", bob "car" → "person" by majority; bob left out of the box mean/);
  assert.equal(lone!.status, 'dropped');
  assert.match(lone!.problems[0]!, /drawn by 1 of 2 annotators \(alice\); the quorum needs 2/);
  const parts = Object.fromEntries(merge.agreement.map((g) => [g.username, [g.box, g.class, g.attributes]]));
  assert.deepEqual(parts, { alice: [0.5, 1, 1], bob: [1, 0, 1] }, 'alice: 1 of 2 boxes in a kept object; bob: his one box joined but lost the class vote');

  // After the merge, the assignment's annotators may look at each other's replicas and the merged set.
  assert.equal((await call('GET', `/sets/${bobSet.id}/annotations`, alice.headers)).statusCode, 200);
  assert.equal((await call('GET', `/sets/${merge.resultSetId}/annotations`, alice.headers)).statusCode, 200);

  // Approve the merged frames 1-10; COCO and YOLO with images carry the frame JPEGs byte for byte,
  // and the COCO annotations re-import to the merged boxes.
  assert.equal((await call('POST', `/sets/${merge.resultSetId}/reviews`, rita.headers, { frameFrom: 0, frameTo: 9, decision: 'approved', comment: '' })).statusCode, 201);
  const coco = await call('GET', `/videos/${videoId}/export?format=coco&images=true`, rita.headers);
  assert.equal(coco.statusCode, 200, coco.body);
  assert.equal(coco.headers['content-type'], 'application/zip');
  const files = readZip(coco.rawPayload);
  const images = [...files.keys()].filter((n) => n.startsWith('images/'));
  assert.deepEqual(images, Array.from({ length: 10 }, (_, i) => `images/${String(i + 1).padStart(6, '0')}.jpg`));
  const frame3 = await call('GET', `/videos/${videoId}/frames/2`, rita.headers);
  assert.ok(files.get('images/000003.jpg')!.equals(frame3.rawPayload), 'frame 3 in the ZIP is the served frame');
  const annotations = JSON.parse(files.get('annotations.json')!.toString());
  assert.deepEqual(annotations.images.map((i: { file_name: string }) => i.file_name), images.map((n) => n.slice(7)));
  const target = (await call('POST', `/videos/${videoId}/assignments`, rita.headers, { frameFrom: 0, frameTo: 9, annotatorIds: [rita.id] })).json().replicas[0].id;
  const imported = await hawk.app.inject({ method: 'POST', url: `/videos/${videoId}/import?format=coco&setId=${target}`, headers: { ...rita.headers, 'content-type': 'application/json' }, payload: files.get('annotations.json')! });
  assert.equal(imported.statusCode, 201, imported.body);
  const back = (await call('GET', `/sets/${target}/annotations`, rita.headers)).json();
  const mergedRead = (await call('GET', `/sets/${merge.resultSetId}/annotations`, rita.headers)).json();
  assert.deepEqual(back.frames['2'].map((b: HawkBox) => [b.label, b.xyxy]), mergedRead.frames['2'].map((b: HawkBox) => [b.label, b.xyxy]));
  assert.deepEqual(mergedRead.frames['2'].map((b: HawkBox) => [b.label, b.xyxy]), [['person', [10, 10, 60, 60]]], 'the merged box is alice\'s (bob\'s car lost the vote)');
  const yolo = readZip((await call('GET', `/videos/${videoId}/export?format=yolo&images=true`, rita.headers)).rawPayload);
  assert.equal([...yolo.keys()].filter((n) => n.startsWith('images/')).length, 10);
  assert.equal([...yolo.keys()].filter((n) => n.startsWith('labels/')).length, 10);
});

test('an admin resets a password and disables a user: old sessions end, login is refused with a reason', async () => {
  const carl = await hawk.user('carl', 'annotator');
  const users = (await call('GET', '/users', admin)).json();
  assert.ok(users.every((u: { username: string }) => u.username !== 'model'), 'system users are not listed');
  const reset = await call('PATCH', `/users/${carl.id}`, admin, { password: 'brand-new-secret' });
  assert.equal(reset.statusCode, 200);
  assert.equal((await call('GET', '/auth/me', carl.headers)).statusCode, 401, 'the old session ended');
  const login = await call('POST', '/auth/login', {}, { username: 'carl', password: 'brand-new-secret' });
  assert.equal(login.statusCode, 200);
  const disabled = await call('PATCH', `/users/${carl.id}`, admin, { disabled: true, role: 'reviewer' });
  assert.deepEqual([disabled.json().disabled, disabled.json().role], [true, 'reviewer']);
  assert.equal((await call('GET', '/auth/me', bearer(login.json().token))).statusCode, 401);
  const refused = await call('POST', '/auth/login', {}, { username: 'carl', password: 'brand-new-secret' });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.json().message, /disabled/);
  const me = (await call('GET', '/users', admin)).json().find((u: { username: string }) => u.username === 'admin');
  const lastAdmin = await call('PATCH', `/users/${me.id}`, admin, { role: 'annotator' });
  assert.equal(lastAdmin.statusCode, 409);
  assert.match(lastAdmin.json().message, /only active admin/);
  assert.equal((await call('PATCH', `/users/${alice.id}`, rita.headers, { disabled: true })).statusCode, 403, 'reviewers do not manage users');
});
