import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { headToOnnx, SHARED_FEATURES } from '@sightline/models';
import { HeadNetwork, loadTrainOps } from '@sightline/native';
import { TrainingRepository } from '@sightline/scouter';

const bin = fileURLToPath(new URL('../../../../bin/sightline.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sightline-flow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function flowFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function sightline(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

function sightlineWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

const good = `-- the example of issue 5
CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame, model='centernet')) FROM cam1 WHERE class='person';
CREATE STREAM people_attrs AS SELECT attributes(people, heads=['age','gender']) FROM people;
INSERT INTO postgres FROM people_attrs;
`;

test('flow check prints the plan and exits 0 for a good flow', () => {
  const file = flowFile('good.flow', good);
  const result = sightline('flow', 'check', file);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines[0], `${file}: ok, 1 pipeline`);
  assert.equal(lines[1], '  people_attrs: cam1 (video file:///data/lobby.mp4, 10 fps, once) -> detect centernet [person] score>=0.3 -> track bytetrack -> attributes age,gender -> postgres');
});

test('flow check --json prints the PipelineSpec array', () => {
  const result = sightline('flow', 'check', '--json', flowFile('json.flow', good));
  assert.equal(result.status, 0, result.stderr);
  const pipelines = JSON.parse(result.stdout) as { name: string; source: { uri: string }; detect: { classes: string[] }; attributes?: { heads: string[] } }[];
  assert.equal(pipelines.length, 1);
  assert.equal(pipelines[0]?.name, 'people_attrs');
  assert.equal(pipelines[0]?.source.uri, 'file:///data/lobby.mp4');
  assert.deepEqual(pipelines[0]?.detect.classes, ['person']);
  assert.deepEqual(pipelines[0]?.attributes?.heads, ['age', 'gender']);
});

test('flow check prints every error as file:line:column with a caret, and exits 1', () => {
  const text = good.replace("model='centernet'", "model='yolo'").replace("'gender'", "'hair'");
  const file = flowFile('bad.flow', text);
  const result = sightline('flow', 'check', file);
  assert.equal(result.status, 1, result.stdout);
  assert.equal(result.stdout, '');
  const lines = text.split('\n');
  const modelLine = lines.findIndex((l) => l.includes("'yolo'"));
  const headLine = lines.findIndex((l) => l.includes("'hair'"));
  const modelColumn = (lines[modelLine] ?? '').indexOf("'yolo'") + 1;
  assert.ok(result.stderr.includes(`${file}:${modelLine + 1}:${modelColumn}: error: unknown model 'yolo'`), result.stderr);
  assert.ok(result.stderr.includes(`${file}:${headLine + 1}:${(lines[headLine] ?? '').indexOf("'hair'") + 1}: error: unknown head 'hair'`), result.stderr);
  assert.ok(result.stderr.includes(`  ${modelLine + 1} | ${lines[modelLine]}\n    | ${' '.repeat(modelColumn - 1)}^^^^^^\n`), result.stderr);
  assert.match(result.stderr, /2 errors; nothing planned\.\n$/);
});

test('flow check reports a syntax error with its position', () => {
  const file = flowFile('syntax.flow', "CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4'\nINSERT INTO live FROM cam1;\n");
  const result = sightline('flow', 'check', file);
  assert.equal(result.status, 1);
  assert.match(result.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:55: error: expected ';' to end the statement, found keyword INSERT`));
});

const usageCases: { args: string[]; message: RegExp }[] = [
  { args: ['flow'], message: /an action is required/ },
  { args: ['flow', 'run', 'x.flow'], message: /unknown action "run"/ },
  { args: ['flow', 'check'], message: /a flow file is required/ },
  { args: ['flow', 'check', 'a.flow', 'b.flow'], message: /unexpected argument "b.flow"/ },
  { args: ['flow', 'check', '--frob', 'a.flow'], message: /Unknown option '--frob'/ },
  { args: ['flow', 'check', 'does-not-exist.flow'], message: /cannot read flow file "does-not-exist.flow": no such file/ },
];

for (const c of usageCases) {
  test(`usage error exits 2: sightline ${c.args.join(' ')}`, () => {
    const result = sightline(...c.args);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, c.message);
  });
}

const withHeads = (heads: string) => good.replace("heads=['age','gender']", `heads=[${heads}]`);

test('flow check resolves deployed trained heads by name when a database answers, and names the unknown ones', async () => {
  let db: TestDatabase | undefined;
  try {
    db = await createTestDatabase();
    // A trained head as a finished training job stores it, then deployed.
    const net = new HeadNetwork(loadTrainOps(), { side: 4, channels: SHARED_FEATURES.channels }, 2, { kind: 'linear' }, 1);
    const spec = { name: 'upper_colour', labels: ['dark', 'light'], model: 'upper_colour.onnx', outputSize: 4, channels: SHARED_FEATURES.channels, featureStride: SHARED_FEATURES.featureStride };
    await db.pool.query(
      `INSERT INTO scouter_attribute_heads (name, version, labels, spec, onnx, config, metrics, box_ids) VALUES ('upper_colour', 1, $1, $2, $3, '{}', '{}', '{"train": [], "validation": []}')`,
      [JSON.stringify(spec.labels), JSON.stringify(spec), Buffer.from(headToOnnx(net, 'upper_colour'))],
    );
    const env = { DATABASE_URL: db.url };
    const notYet = sightlineWith(env, 'flow', 'check', flowFile('not-deployed.flow', withHeads("'upper_colour'")));
    assert.equal(notYet.status, 1, 'a head that is stored but not deployed is unknown');
    assert.match(notYet.stderr, /unknown head 'upper_colour': heads are 'age', 'gender' and 'emotion'/);

    assert.equal(await new TrainingRepository(db.pool).deploy('upper_colour', 1), true);
    const file = flowFile('trained.flow', withHeads("'upper_colour', 'age'"));
    const ok = sightlineWith(env, 'flow', 'check', file);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /-> attributes upper_colour,age -> postgres/);

    const unknown = sightlineWith(env, 'flow', 'check', flowFile('hat.flow', withHeads("'upper_colour', 'hat'")));
    assert.equal(unknown.status, 1, unknown.stdout);
    assert.match(unknown.stderr, /error: unknown head 'hat': heads are 'age', 'gender', 'emotion' and 'upper_colour'/);
    assert.doesNotMatch(unknown.stderr, /unknown head 'upper_colour'/);
  } finally {
    await db?.drop();
  }
});

test('flow check without a database says why a trained head is unknown', () => {
  const result = sightlineWith({ DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' }, 'flow', 'check', flowFile('offline.flow', withHeads("'upper_colour'")));
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stderr, /unknown head 'upper_colour'/);
  assert.match(result.stderr, /note: no database answers \(set DATABASE_URL, or start Sightline\), so deployed trained heads are unknown here\.\n.*1 error; nothing planned\.\n$/);
});
