import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Call, CreateSource, CreateStream, Insert, Span } from './ast.ts';
import { formatFlowError } from './flow-error.ts';
import { tokenize } from './lexer.ts';
import { parseFlow } from './parser.ts';

const example = `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10;
CREATE STREAM people AS SELECT track(detect(frame, model='centernet')) FROM cam1 WHERE class='person';
CREATE STREAM people_attrs AS SELECT attributes(people, heads=['age','gender']) FROM people;
INSERT INTO postgres FROM people_attrs;
`;

/** The text a span covers, so span checks compare against the source rather than numbers. */
const cover = (text: string, span: Span): string => text.slice(span.start.offset, span.end.offset);

test("the issue's example parses as written, every node spanning its own text", () => {
  const { ast, errors } = parseFlow(example);
  assert.deepEqual(errors, []);
  assert.deepEqual(ast.statements.map((s) => s.kind), ['create-source', 'create-stream', 'create-stream', 'insert']);

  const [source, people, attrs, insert] = ast.statements as [CreateSource, CreateStream, CreateStream, Insert];
  assert.equal(cover(example, source.span), example.split('\n')[0]?.replace(/;$/, ''));
  assert.equal(source.type.name, 'video');
  assert.deepEqual(source.options.map((o) => [o.name.name, o.value.kind === 'list' ? null : o.value.value]), [['uri', 'file:///data/lobby.mp4'], ['fps', 10]]);

  const trackCall = people.select.expression as Call;
  assert.equal(cover(example, trackCall.span), "track(detect(frame, model='centernet'))");
  const detectCall = trackCall.args[0]?.value as Call;
  assert.equal(cover(example, detectCall.span), "detect(frame, model='centernet')");
  assert.equal(cover(example, detectCall.args[1]?.span ?? source.span), "model='centernet'");
  assert.equal(detectCall.args[1]?.name?.name, 'model');
  assert.equal(people.select.from.name, 'cam1');
  assert.equal(cover(example, people.select.where[0]?.span ?? source.span), "class='person'");

  const line2 = example.split('\n')[1] ?? '';
  assert.equal(people.name.span.start.line, 2);
  assert.equal(people.name.span.start.column, line2.indexOf('people') + 1);

  const heads = (attrs.select.expression as Call).args[1]?.value;
  assert.equal(heads?.kind, 'list');
  assert.deepEqual(heads?.kind === 'list' ? heads.items.map((i) => i.value) : [], ['age', 'gender']);
  assert.equal(insert.sink.name, 'postgres');
  assert.equal(insert.from.name, 'people_attrs');
  assert.equal(insert.span.start.line, 4);
});

test('keywords ignore case; names keep it; comments and blank lines are skipped', () => {
  const text = "-- lobby camera\ncreate source Cam1 type video with uri = 'file:///a.mp4' ; /* block\ncomment */\ninsert into live from Cam1 ;";
  const { ast, errors } = parseFlow(text);
  assert.deepEqual(errors, []);
  const [source, insert] = ast.statements as [CreateSource, Insert];
  assert.equal(source.name.name, 'Cam1');
  assert.equal(insert.span.start.line, 4);
  assert.equal(insert.span.start.column, 1);
});

test('literals: doubled quotes, numbers in every form, booleans, lists, IN lists', () => {
  const values = tokenize("'O''Hare' 10 -2.5 .5 1e3 TRUE false").tokens.map((t) => (t.kind === 'string' || t.kind === 'number' ? t.value : t.kind === 'keyword' ? t.keyword : t.kind));
  assert.deepEqual(values, ["O'Hare", 10, -2.5, 0.5, 1000, 'TRUE', 'FALSE', 'eof']);

  const text = "CREATE STREAM s AS SELECT * FROM p WHERE class IN ('person', 'car') AND score >= 0.5;";
  const stream = parseFlow(text).ast.statements[0] as CreateStream;
  const [inClass, score] = stream.select.where;
  assert.equal(inClass?.operator, 'IN');
  assert.deepEqual(inClass?.value.kind === 'list' ? inClass.value.items.map((i) => i.value) : [], ['person', 'car']);
  assert.equal(score?.operator, '>=');
  assert.equal(cover(text, score?.operatorSpan ?? stream.span), '>=');
});

test('comparison operators, including SQL <> for !=', () => {
  for (const op of ['=', '!=', '<>', '<', '<=', '>', '>=']) {
    const text = `CREATE STREAM s AS SELECT * FROM p WHERE score ${op} 1;`;
    const { ast, errors } = parseFlow(text);
    assert.deepEqual(errors, [], op);
    const operator = (ast.statements[0] as CreateStream).select.where[0]?.operator;
    assert.equal(operator, op === '<>' ? '!=' : op);
  }
});

test('a syntax error is reported and parsing resumes at the next statement', () => {
  const text = "CREATE STREAM AS SELECT * FROM cam1;\nINSERT INTO live FROM people;";
  const { ast, errors } = parseFlow(text);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.span.start.column, text.indexOf('AS') + 1);
  assert.match(errors[0]?.message ?? '', /expected a stream name after CREATE STREAM, found keyword AS/);
  assert.deepEqual(ast.statements.map((s) => s.kind), ['insert']);
});

test('a forgotten semicolon costs one error, and the next statement still parses', () => {
  const text = "INSERT INTO live FROM a\nINSERT INTO postgres FROM b;";
  const { ast, errors } = parseFlow(text);
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0]?.span.start.line, errors[0]?.span.start.column], [1, 'INSERT INTO live FROM a'.length + 1]);
  assert.deepEqual(ast.statements.map((s) => (s as Insert).from.name), ['b']);
});

test('formatFlowError shows file:line:column, the line and a caret under the span', () => {
  const text = "CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4';\nINSERT INTO live FROM cam1 extra;";
  const { errors } = parseFlow(text);
  assert.equal(errors.length, 1);
  const [first, lineText, caret] = formatFlowError(errors[0]!, text, 'lobby.flow').split('\n');
  const column = 'INSERT INTO live FROM cam1'.length + 1;
  assert.equal(first, `lobby.flow:2:${column}: error: expected ';' to end the statement, found name 'extra'`);
  assert.equal(lineText, '  2 | INSERT INTO live FROM cam1 extra;');
  assert.equal(caret, `    | ${' '.repeat(column - 1)}^`);
});

test('a caret spans the whole offending word', () => {
  const text = 'INSERT INTO live FROM select;';
  const { errors } = parseFlow(text);
  const caret = formatFlowError(errors[0]!, text).split('\n')[2] ?? '';
  assert.equal(caret.slice(caret.indexOf('|') + 2), ' '.repeat(text.indexOf('select')) + '^'.repeat('select'.length));
});

test('absurdly deep nesting is a syntax error, not a crash', () => {
  const depth = 5000;
  const text = `CREATE STREAM s AS SELECT ${'track('.repeat(depth)}frame${')'.repeat(depth)} FROM c;\nINSERT INTO live FROM s;`;
  const { ast, errors } = parseFlow(text);
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? '', /calls nest more than \d+ deep: split the work into several streams/);
  assert.deepEqual(ast.statements.map((s) => s.kind), ['insert']);
});
