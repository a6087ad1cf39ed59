import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFlow } from './compile-flow.ts';
import { FLOW_ERROR_CODES, formatFlowError, type FlowErrorCode } from './flow-error.ts';

/** `§` marks where the error must point; it is removed before compiling. */
const MARK = '§';

/** Line and column (from 1) of the mark, computed from the case text itself. */
function markedPosition(marked: string): { text: string; line: number; column: number } {
  const at = marked.indexOf(MARK);
  assert.notEqual(at, -1, 'every case marks where its error points');
  const before = marked.slice(0, at);
  const lines = before.split('\n');
  return { text: marked.replace(MARK, ''), line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

const source = "CREATE SOURCE cam1 TYPE video WITH uri='file:///v/lobby.mp4', fps=10;\n";
const people = "CREATE STREAM people AS SELECT track(detect(frame)) FROM cam1 WHERE class='person';\n";
const sink = 'INSERT INTO postgres FROM people;\n';

const cases: { name: string; flow: string; code: FlowErrorCode; message: RegExp }[] = [
  // lexer
  { name: 'stray character', flow: `${source}${people}INSERT INTO postgres FROM people§#;`, code: 'unexpected-character', message: /unexpected character '#'/ },
  { name: 'double-quoted string', flow: `CREATE SOURCE cam1 TYPE video WITH uri=§"file:///a.mp4";\n${people}${sink}`, code: 'unexpected-character', message: /strings use single quotes: write 'file:\/\/\/a\.mp4'/ },
  { name: 'string not closed', flow: `CREATE SOURCE cam1 TYPE video WITH uri=§'file:///a.mp4;\n${people}${sink}`, code: 'unterminated-string', message: /not closed before the end of the line/ },
  { name: 'block comment not closed', flow: `${source}${people}${sink}§/* notes`, code: 'unterminated-comment', message: /never closed: add '\*\/'/ },
  // parser
  { name: 'statement keyword misspelt', flow: `${source}§CRATE STREAM x AS SELECT * FROM people;\n${people}${sink}`, code: 'syntax', message: /expected a statement \(CREATE SOURCE, CREATE STREAM or INSERT INTO\), found name 'CRATE'/ },
  { name: 'missing semicolon', flow: `${source}${people}INSERT INTO postgres FROM people§\n`, code: 'syntax', message: /expected ';' to end the statement, found end of input/ },
  { name: 'keyword as a name', flow: `${source}CREATE STREAM §select AS SELECT * FROM cam1;\n${people}${sink}`, code: 'syntax', message: /found keyword SELECT \(SELECT is a reserved word; choose another name\)/ },
  { name: 'unquoted text value', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE class=§person;\n${sink}`, code: 'syntax', message: /quote it: 'person'/ },
  { name: 'OR in WHERE', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE class='person' §OR class='car';\n${sink}`, code: 'syntax', message: /OR is not supported in WHERE.*class IN/ },
  { name: 'unclosed call', flow: `${source}CREATE STREAM people AS SELECT detect(frame §FROM cam1;\n${sink}`, code: 'syntax', message: /expected ',' or '\)' in the arguments of detect/ },
  { name: 'missing TYPE', flow: `CREATE SOURCE cam1 §WITH uri='file:///a.mp4';\n${people}${sink}`, code: 'syntax', message: /expected TYPE after the source name/ },
  // validator: names
  { name: 'duplicate name', flow: `${source}${people}CREATE STREAM §people AS SELECT * FROM cam1;\n${sink}`, code: 'duplicate-name', message: /'people' is already defined at line 2, column 15/ },
  { name: 'reserved name frame', flow: `${source}CREATE STREAM §frame AS SELECT detect(frame) FROM cam1;\n${people}${sink}`, code: 'reserved-name', message: /'frame' is reserved/ },
  { name: 'unknown source', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM §cam2;\n${sink}`, code: 'unknown-source', message: /unknown source 'cam2' \(did you mean 'cam1'\?\)/ },
  { name: 'unknown stream in FROM', flow: `${source}${people}CREATE STREAM adults AS SELECT * FROM §peeple;\nINSERT INTO live FROM adults;\n`, code: 'unknown-stream', message: /unknown stream 'peeple' \(did you mean 'people'\?\)/ },
  { name: 'unknown stream in INSERT', flow: `${source}${people}INSERT INTO postgres FROM §peple;\n`, code: 'unknown-stream', message: /unknown stream 'peple' \(did you mean 'people'\?\)/ },
  { name: 'unknown name as argument', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(§folks, heads=['age']) FROM people;\nINSERT INTO live FROM a;\n`, code: 'unknown-stream', message: /unknown stream 'folks'.*use 'people'/ },
  { name: 'track motion misspelt', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), motion=§'of') FROM cam1;\n${sink}`, code: 'type', message: /unknown motion 'of' \(did you mean 'off'\?\): motion is 'auto' .* or 'off'/ },
  { name: 'track motion argument misspelt', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), §moton='off') FROM cam1;\n${sink}`, code: 'unknown-option', message: /track\(\.\.\.\) has no argument 'moton' \(did you mean 'motion'\?\): it takes 'tracker', 'motion' and 'appearance'/ },
  { name: 'track appearance misspelt', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), appearance=§'offf') FROM cam1;\n${sink}`, code: 'type', message: /unknown appearance 'offf' \(did you mean 'off'\?\): appearance is 'on' .* or 'off'/ },
  { name: 'track appearance argument misspelt', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), §apperance='off') FROM cam1;\n${sink}`, code: 'unknown-option', message: /track\(\.\.\.\) has no argument 'apperance' \(did you mean 'appearance'\?\)/ },
  { name: 'appearance not quoted', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), appearance=§1) FROM cam1;\n${sink}`, code: 'type', message: /appearance must be quoted: appearance is 'on'/ },
  { name: 'appearance cue asked of SORT', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), tracker='sort', §appearance='on') FROM cam1;\n${sink}`, code: 'bad-argument', message: /appearance='on' needs tracker='bytetrack': sort is the reference SORT/ },
  { name: 'camera-motion compensation asked of SORT', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), tracker='sort', §motion='auto') FROM cam1;\n${sink}`, code: 'bad-argument', message: /motion='auto' needs tracker='bytetrack': sort is the reference SORT/ },
  { name: 'detect every not a whole number', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame, every=§1.5)) FROM cam1;\n${sink}`, code: 'type', message: /every must be 'auto' or a whole number of frames from 1 to 10/ },
  // validator: sources
  { name: 'unknown source type', flow: `CREATE SOURCE cam1 TYPE §vidoe WITH uri='file:///a.mp4';\n${people}${sink}`, code: 'unknown-source-type', message: /unknown source type 'vidoe' \(did you mean 'video'\?\)/ },
  { name: 'unknown source option', flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4', §lop=TRUE;\n${people}${sink}`, code: 'unknown-option', message: /unknown source option 'lop' \(did you mean 'loop'\?\)/ },
  { name: 'source option twice', flow: `CREATE SOURCE cam1 TYPE video WITH fps=5, uri='file:///a.mp4', §fps=10;\n${people}${sink}`, code: 'duplicate-option', message: /option fps is given twice \(first at line 1, column 36\)/ },
  { name: 'source without uri', flow: `CREATE SOURCE §cam1 TYPE video WITH fps=10;\n${people}${sink}`, code: 'missing-option', message: /source cam1 has no uri: add WITH uri='file:/ },
  { name: 'fps not positive', flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4', fps=§-5;\n${people}${sink}`, code: 'type', message: /fps must be a positive number .* not the number -5/ },
  { name: 'fps is a string', flow: `CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4', fps=§'10';\n${people}${sink}`, code: 'type', message: /fps must be a positive number .* not the string '10'/ },
  { name: 'uri scheme does not fit the type', flow: `CREATE SOURCE cam1 TYPE rtsp WITH uri=§'http://cam/x';\n${people}${sink}`, code: 'type', message: /a rtsp source needs a uri starting with 'rtsp:\/\/' or 'rtsps:\/\/'/ },
  { name: 'loop on a live camera', flow: `CREATE SOURCE cam1 TYPE rtsp WITH uri='rtsp://cam/x', §loop=TRUE;\n${people}${sink}`, code: 'type', message: /loop applies only to TYPE video/ },
  // validator: functions and arguments
  { name: 'unknown function', flow: `${source}CREATE STREAM people AS SELECT §detct(frame) FROM cam1;\n${sink}`, code: 'unknown-function', message: /unknown function 'detct' \(did you mean 'detect'\?\)/ },
  { name: 'unknown model', flow: `${source}CREATE STREAM people AS SELECT detect(frame, model=§'yolov8') FROM cam1;\n${sink}`, code: 'unknown-model', message: /unknown model 'yolov8': models are 'centernet'/ },
  { name: 'unknown tracker', flow: `${source}CREATE STREAM people AS SELECT track(detect(frame), tracker=§'deepsort') FROM cam1;\n${sink}`, code: 'unknown-tracker', message: /unknown tracker 'deepsort': trackers are 'bytetrack' and 'sort'/ },
  { name: 'unknown head', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(people, heads=['age', §'hair']) FROM people;\nINSERT INTO live FROM a;\n`, code: 'unknown-head', message: /unknown head 'hair': heads are 'age', 'gender' and 'emotion'/ },
  { name: 'unknown function argument', flow: `${source}CREATE STREAM people AS SELECT detect(frame, §modle='centernet') FROM cam1;\n${sink}`, code: 'unknown-option', message: /detect\(\.\.\.\) has no argument 'modle' \(did you mean 'model'\?\)/ },
  { name: 'function argument twice', flow: `${source}CREATE STREAM people AS SELECT detect(frame, model='centernet', §model='centernet') FROM cam1;\n${sink}`, code: 'duplicate-option', message: /argument model is given twice/ },
  { name: 'head listed twice', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(people, heads=['age', §'age']) FROM people;\nINSERT INTO live FROM a;\n`, code: 'duplicate-option', message: /head 'age' is listed twice/ },
  { name: 'call without input', flow: `${source}CREATE STREAM people AS SELECT §detect() FROM cam1;\n${sink}`, code: 'bad-argument', message: /detect\(\.\.\.\) needs its input as the first argument: detect\(frame, \.\.\.\)/ },
  { name: 'attributes without heads', flow: `${source}${people}CREATE STREAM a AS SELECT §attributes(people) FROM people;\nINSERT INTO live FROM a;\n`, code: 'bad-argument', message: /attributes\(\.\.\.\) needs the heads to run: add heads=\['age', 'gender'\]/ },
  { name: 'frame read from a stream', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(§frame, heads=['age']) FROM people;\nINSERT INTO live FROM a;\n`, code: 'bad-argument', message: /'frame' means the frames of a source, but FROM people is a stream: use people/ },
  { name: 'argument is not the FROM stream', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(§cam1, heads=['age']) FROM people;\nINSERT INTO live FROM a;\n`, code: 'bad-argument', message: /a SELECT reads only its FROM people/ },
  // validator: types
  { name: 'stream from a source without detect', flow: `${source}CREATE STREAM people AS SELECT §* FROM cam1;\n${sink}`, code: 'type', message: /a stream FROM source 'cam1' must run detection/ },
  { name: 'track on frames', flow: `${source}CREATE STREAM people AS SELECT track(§frame) FROM cam1;\n${sink}`, code: 'type', message: /track\(\.\.\.\) needs detections, not frames: wrap detection first/ },
  { name: 'detect twice', flow: `${source}${people}CREATE STREAM a AS SELECT detect(§people) FROM people;\nINSERT INTO live FROM a;\n`, code: 'type', message: /detect\(\.\.\.\) reads frames, but its input already holds detections/ },
  { name: 'tracked twice', flow: `${source}${people}CREATE STREAM a AS SELECT §track(people) FROM people;\nINSERT INTO live FROM a;\n`, code: 'type', message: /already tracked \(by bytetrack\)/ },
  { name: 'model not a string', flow: `${source}CREATE STREAM people AS SELECT detect(frame, model=§3) FROM cam1;\n${sink}`, code: 'type', message: /model must be a quoted model name such as 'centernet'/ },
  { name: 'heads not a list', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(people, heads=§'age') FROM people;\nINSERT INTO live FROM a;\n`, code: 'type', message: /heads must be a non-empty list of quoted head names/ },
  { name: 'a literal selected', flow: `${source}CREATE STREAM people AS SELECT §42 FROM cam1;\n${sink}`, code: 'type', message: /a SELECT yields a stream, not a number/ },
  { name: 'score compared with >', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE score §> 0.5;\n${sink}`, code: 'type', message: /score takes >= \(a minimum score\)/ },
  { name: 'score out of range', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE score >= §50;\n${sink}`, code: 'type', message: /score is compared with a number from 0 to 1/ },
  { name: 'class compared with !=', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE class §!= 'car';\n${sink}`, code: 'type', message: /class takes = or IN; != cannot be planned/ },
  { name: 'class compared with a number', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE class = §1;\n${sink}`, code: 'type', message: /class is compared with a quoted class name/ },
  { name: 'inserting a source', flow: `${source}${people}${sink}INSERT INTO live FROM §cam1;\n`, code: 'type', message: /source 'cam1' holds frames, not detections/ },
  // validator: filters, graph, sinks
  { name: 'WHERE on an unknown field', flow: `${source}CREATE STREAM people AS SELECT detect(frame) FROM cam1 WHERE §colour = 'red';\n${sink}`, code: 'unknown-field', message: /unknown field 'colour': WHERE can filter on 'class' or 'score'/ },
  { name: 'WHERE on an attribute', flow: `${source}${people}CREATE STREAM a AS SELECT attributes(people, heads=['gender']) FROM people WHERE §gender = 'female';\nINSERT INTO live FROM a;\n`, code: 'unknown-field', message: /attribute 'gender' cannot be filtered on/ },
  { name: 'filter keeps nothing', flow: `${source}${people}CREATE STREAM cars AS SELECT * FROM people WHERE §class = 'car';\nINSERT INTO live FROM cars;\n`, code: 'empty-filter', message: /keeps nothing: the stream holds only 'person' here/ },
  { name: 'cycle', flow: `${source}CREATE STREAM a AS SELECT * FROM §b;\nCREATE STREAM b AS SELECT * FROM a;\nINSERT INTO live FROM a;\n`, code: 'cycle', message: /streams form a cycle \(a -> b -> a/ },
  { name: 'self cycle', flow: `${source}CREATE STREAM a AS SELECT * FROM §a;\nINSERT INTO live FROM a;\n`, code: 'cycle', message: /streams form a cycle \(a -> a/ },
  { name: 'unknown sink', flow: `${source}${people}INSERT INTO §postgre FROM people;\n`, code: 'unknown-sink', message: /unknown sink 'postgre' \(did you mean 'postgres'\?\): sinks are 'postgres' and 'live'/ },
  { name: 'same insert twice', flow: `${source}${people}${sink}§INSERT INTO postgres FROM people;\n`, code: 'duplicate-insert', message: /stream 'people' is already inserted into postgres at line 3/ },
  { name: 'one source, two inserted streams', flow: `${source}${people}CREATE STREAM cars AS SELECT detect(frame) FROM cam1 WHERE class='car';\n${sink}INSERT INTO live FROM §cars;\n`, code: 'source-conflict', message: /source 'cam1' already feeds stream 'people' \(INSERT at line 4\)/ },
  { name: 'nothing inserted', flow: `${source}${people}§`, code: 'no-sink', message: /the flow sends nothing anywhere: add INSERT INTO postgres or live FROM <stream>;/ },
];

for (const c of cases) {
  test(`error: ${c.name}`, () => {
    const { text, line, column } = markedPosition(c.flow);
    const result = compileFlow(text);
    assert.equal(result.ok, false, `expected an error for:\n${text}`);
    if (result.ok) return;
    const found = result.errors.find((e) => e.code === c.code && e.span.start.line === line && e.span.start.column === column);
    const listing = result.errors.map((e) => formatFlowError(e, text, 'case.flow')).join('\n');
    assert.ok(found, `expected ${c.code} at ${line}:${column}, got:\n${listing}`);
    assert.match(found.message, c.message);
    // One mistake, one error: follow-on errors would bury the real one.
    assert.equal(result.errors.length, 1, `expected exactly one error, got:\n${listing}`);
  });
}

test('the table covers every error code', () => {
  const covered = new Set(cases.map((c) => c.code));
  assert.deepEqual(FLOW_ERROR_CODES.filter((code) => !covered.has(code)), []);
});

test('every problem in a flow is reported, in text order, each with its own position', () => {
  const text = [
    "CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4', fps=0;",
    "CREATE STREAM people AS SELECT track(detect(frame, model='yolo'), tracker='kcf') FROM cam1 WHERE hat='red';",
    "CREATE STREAM a AS SELECT attributes(people, heads=['mood']) FROM people;",
    'INSERT INTO screen FROM a;',
  ].join('\n');
  const result = compileFlow(text);
  assert.equal(result.ok, false);
  if (result.ok) return;
  const where = result.errors.map((e) => `${e.code}@${e.span.start.line}:${e.span.start.column}`);
  const col = (line: number, needle: string): number => (text.split('\n')[line - 1] ?? '').indexOf(needle) + 1;
  assert.deepEqual(where, [
    `type@1:${col(1, '0;')}`,
    `unknown-model@2:${col(2, "'yolo'")}`,
    `unknown-tracker@2:${col(2, "'kcf'")}`,
    `unknown-field@2:${col(2, 'hat')}`,
    `unknown-head@3:${col(3, "'mood'")}`,
    `unknown-sink@4:${col(4, 'screen')}`,
  ]);
});

test('syntax errors in several statements are each reported', () => {
  const text = "CREATE SOURCE cam1 TYPE video WITH uri='file:///a.mp4'\nCREATE STREAM AS SELECT * FROM cam1;\nINSERT postgres FROM x;\n";
  const result = compileFlow(text);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.errors.map((e) => [e.code, e.span.start.line]), [['syntax', 1], ['syntax', 2], ['syntax', 3]]);
});
