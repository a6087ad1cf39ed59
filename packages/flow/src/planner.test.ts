import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFlow } from './compile-flow.ts';
import { DEFAULT_FPS, DEFAULT_SCORE_THRESHOLD, defaultFlowRegistry, type FlowRegistry } from './flow-registry.ts';
import { parseFlow } from './parser.ts';
import { compensatesCameraMotion, usesAppearance, type PipelineSpec } from './pipeline-spec.ts';
import { planFlow } from './planner.ts';
import { validateFlow } from './validator.ts';

const lobby = { name: 'cam1', type: 'video', uri: 'file:///data/lobby.mp4', fps: 10, loop: false } as const;

const cases: { name: string; flow: string; expected: PipelineSpec[] }[] = [
  {
    name: "the issue's example",
    flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame, model='centernet')) FROM cam1 WHERE class='person';
CREATE STREAM people_attrs AS SELECT attributes(people, heads=['age','gender']) FROM people;
INSERT INTO postgres FROM people_attrs;`,
    expected: [{ name: 'people_attrs', source: lobby, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, track: { tracker: 'bytetrack' }, attributes: { heads: ['age', 'gender'] }, sinks: ['postgres'] }],
  },
  {
    name: 'detection only, every class, defaults for fps, loop, model and score',
    flow: "CREATE SOURCE door TYPE http WITH uri='http://door.local/mjpeg';\nCREATE STREAM all_objects AS SELECT detect(frame) FROM door;\nINSERT INTO live FROM all_objects;",
    expected: [{ name: 'all_objects', source: { name: 'door', type: 'http', uri: 'http://door.local/mjpeg', fps: DEFAULT_FPS, loop: false }, detect: { model: 'centernet', classes: [], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, sinks: ['live'] }],
  },
  {
    name: 'one stream into both sinks, sinks in INSERT order, a looped file and the sort tracker',
    flow: "CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10, loop=TRUE;\nCREATE STREAM people AS SELECT track(detect(frame), tracker='sort') FROM cam1;\nINSERT INTO live FROM people;\nINSERT INTO postgres FROM people;",
    expected: [{ name: 'people', source: { ...lobby, loop: true }, detect: { model: 'centernet', classes: [], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, track: { tracker: 'sort' }, sinks: ['live', 'postgres'] }],
  },
  {
    name: 'class filters intersect and score thresholds keep the strictest along the chain',
    flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM movers AS SELECT detect(frame) FROM cam1 WHERE class IN ('person', 'car', 'bicycle') AND score >= 0.2;
CREATE STREAM road AS SELECT track(movers) FROM movers WHERE class IN ('car', 'person', 'dog') AND score >= 0.5;
CREATE STREAM road_final AS SELECT * FROM road WHERE score >= 0.4;
INSERT INTO postgres FROM road_final;`,
    expected: [{ name: 'road_final', source: lobby, detect: { model: 'centernet', classes: ['person', 'car'], scoreThreshold: 0.5 }, track: { tracker: 'bytetrack' }, sinks: ['postgres'] }],
  },
  {
    name: 'attributes on untracked detections; streams written before what they read',
    flow: `INSERT INTO live FROM faces;
CREATE STREAM faces AS SELECT attributes(people, heads=['emotion']) FROM people;
CREATE STREAM people AS SELECT detect(frame) FROM lobby WHERE class = 'person';
CREATE SOURCE lobby TYPE rtsp WITH uri='rtsp://10.0.0.5/stream1', fps=5;`,
    expected: [{ name: 'faces', source: { name: 'lobby', type: 'rtsp', uri: 'rtsp://10.0.0.5/stream1', fps: 5, loop: false }, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, attributes: { heads: ['emotion'] }, sinks: ['live'] }],
  },
  {
    name: 'the detector on every 2nd frame, the tracker filling the rest',
    flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame, every=2)) FROM cam1 WHERE class='person';
INSERT INTO live FROM people;`,
    expected: [{ name: 'people', source: lobby, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD, every: 2 }, track: { tracker: 'bytetrack' }, sinks: ['live'] }],
  },
  {
    name: "every='auto' and an explicit every=1 are kept (the runner tells them from the default)",
    flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE SOURCE cam2 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame, every='AUTO')) FROM cam1 WHERE class='person';
CREATE STREAM all_frames AS SELECT track(detect(frame, every=1)) FROM cam2 WHERE class='person';
INSERT INTO live FROM people;
INSERT INTO postgres FROM all_frames;`,
    expected: [
      { name: 'people', source: lobby, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD, every: 'auto' }, track: { tracker: 'bytetrack' }, sinks: ['live'] },
      { name: 'all_frames', source: { ...lobby, name: 'cam2' }, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD, every: 1 }, track: { tracker: 'bytetrack' }, sinks: ['postgres'] },
    ],
  },
  {
    name: "camera-motion compensation turned off for one stream (absent means 'auto' for bytetrack)",
    flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame), motion='off') FROM cam1 WHERE class='person';
INSERT INTO live FROM people;`,
    expected: [{ name: 'people', source: lobby, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, track: { tracker: 'bytetrack', motion: 'off' }, sinks: ['live'] }],
  },
  {
    name: "the appearance cue turned off for one stream and on for another (absent means on for bytetrack)",
    flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE SOURCE cam2 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame), appearance='off', motion='off') FROM cam1 WHERE class='person';
CREATE STREAM looked AS SELECT track(detect(frame), appearance='on') FROM cam2 WHERE class='person';
INSERT INTO live FROM people;
INSERT INTO postgres FROM looked;`,
    expected: [
      { name: 'people', source: lobby, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, track: { tracker: 'bytetrack', motion: 'off', appearance: 'off' }, sinks: ['live'] },
      { name: 'looked', source: { ...lobby, name: 'cam2' }, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, track: { tracker: 'bytetrack', appearance: 'on' }, sinks: ['postgres'] },
    ],
  },
  {
    name: 'two cameras, one pipeline each, in INSERT order',
    flow: `CREATE SOURCE a TYPE video WITH uri='file:///v/a.mp4';
CREATE SOURCE b TYPE video WITH uri='file:///v/b.mp4', fps=2.5;
CREATE STREAM pa AS SELECT track(detect(frame)) FROM a;
CREATE STREAM pb AS SELECT detect(frame) FROM b WHERE class='person';
INSERT INTO postgres FROM pb;
INSERT INTO postgres FROM pa;
INSERT INTO live FROM pb;`,
    expected: [
      { name: 'pb', source: { name: 'b', type: 'video', uri: 'file:///v/b.mp4', fps: 2.5, loop: false }, detect: { model: 'centernet', classes: ['person'], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, sinks: ['postgres', 'live'] },
      { name: 'pa', source: { name: 'a', type: 'video', uri: 'file:///v/a.mp4', fps: DEFAULT_FPS, loop: false }, detect: { model: 'centernet', classes: [], scoreThreshold: DEFAULT_SCORE_THRESHOLD }, track: { tracker: 'bytetrack' }, sinks: ['postgres'] },
    ],
  },
];

for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const result = compileFlow(c.flow);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => `${e.span.start.line}:${e.span.start.column} ${e.message}`).join('\n'));
    assert.deepEqual(result.pipelines, c.expected);
    assert.deepEqual(result.warnings, []);
  });
}

test('a registry passed in replaces the defaults (models, heads, functions, trackers)', () => {
  const registry: FlowRegistry = { models: ['nanodet', 'centernet'], heads: ['clothing'], functions: ['detect', 'track'], trackers: ['sort'] };
  const flow = (select: string): string => `CREATE SOURCE c TYPE video WITH uri='file:///v/a.mp4';\nCREATE STREAM s AS SELECT ${select} FROM c;\nINSERT INTO live FROM s;`;

  const planned = compileFlow(flow('track(detect(frame))'), registry);
  assert.ok(planned.ok);
  assert.equal(planned.pipelines[0]?.detect.model, 'nanodet', 'the first model is the default');
  assert.deepEqual(planned.pipelines[0]?.track, { tracker: 'sort' }, 'bytetrack is not offered, so the first tracker is the default');
  const named = compileFlow(flow("track(detect(frame, model='centernet'))"), registry);
  assert.ok(named.ok);
  assert.equal(named.pipelines[0]?.detect.model, 'centernet', 'a model named in detect(...) is the one planned, not the default');

  const refused = compileFlow(flow("attributes(detect(frame, model='centernet'), heads=['clothing'])"), registry);
  assert.equal(refused.ok, false);
  assert.deepEqual(refused.ok ? [] : refused.errors.map((e) => e.code), ['unknown-function']);
  assert.match(refused.ok ? '' : refused.errors[0]?.message ?? '', /'attributes' is not available in this installation: functions are 'detect' and 'track'/);

  assert.equal(compileFlow(flow("detect(frame, model='nanodet')")).ok, false, 'the default registry has no nanodet');
  assert.equal(compileFlow(flow("detect(frame, model='nanodet')"), defaultFlowRegistry).ok, false);
});

test('a definition no INSERT reaches is a warning, and the flow still plans', () => {
  const text = "CREATE SOURCE c TYPE video WITH uri='file:///v/a.mp4';\nCREATE STREAM s AS SELECT detect(frame) FROM c;\nCREATE STREAM unused AS SELECT * FROM s WHERE class='car';\nINSERT INTO live FROM s;";
  const result = compileFlow(text);
  assert.ok(result.ok);
  assert.equal(result.pipelines.length, 1);
  assert.deepEqual(result.warnings.map((w) => [w.span.start.line, w.message]), [[3, "stream 'unused' reaches no INSERT, so it will not run"]]);
});

test('planFlow refuses a flow whose validation failed rather than planning half of it', () => {
  const { ast } = parseFlow("CREATE SOURCE c TYPE video WITH uri='file:///v/a.mp4';\nCREATE STREAM s AS SELECT detect(frame, model='nope') FROM c;\nINSERT INTO live FROM s;");
  const validated = validateFlow(ast, defaultFlowRegistry);
  assert.equal(validated.errors.length, 1);
  assert.throws(() => planFlow(validated.flow), /stream 's' did not validate/);
});

test("compensatesCameraMotion: bytetrack unless motion='off'; sort never", () => {
  const plan = (call: string) => {
    const result = compileFlow(`CREATE SOURCE c TYPE video WITH uri='file:///v/a.mp4';\nCREATE STREAM s AS SELECT ${call} FROM c;\nINSERT INTO live FROM s;`);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('; '));
    return result.pipelines[0]!.track!;
  };
  assert.equal(compensatesCameraMotion(plan('track(detect(frame))')), true);
  assert.equal(compensatesCameraMotion(plan("track(detect(frame), motion='auto')")), true);
  assert.equal(compensatesCameraMotion(plan("track(detect(frame), motion='off')")), false);
  assert.equal(compensatesCameraMotion(plan("track(detect(frame), tracker='sort')")), false);
  assert.equal(compensatesCameraMotion(plan("track(detect(frame), tracker='sort', motion='off')")), false);
});

test("usesAppearance: bytetrack unless appearance='off'; sort never", () => {
  const plan = (call: string) => {
    const result = compileFlow(`CREATE SOURCE c TYPE video WITH uri='file:///v/a.mp4';\nCREATE STREAM s AS SELECT ${call} FROM c;\nINSERT INTO live FROM s;`);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('; '));
    return result.pipelines[0]!.track!;
  };
  assert.equal(usesAppearance(plan('track(detect(frame))')), true);
  assert.equal(usesAppearance(plan("track(detect(frame), appearance='on')")), true);
  assert.equal(usesAppearance(plan("track(detect(frame), appearance='off')")), false);
  assert.equal(usesAppearance(plan("track(detect(frame), tracker='sort')")), false);
  assert.equal(usesAppearance(plan("track(detect(frame), tracker='sort', appearance='off')")), false);
});
