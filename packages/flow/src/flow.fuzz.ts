// Generated flow texts for the fuzz test and benchmark: random text, token soup from the grammar's
// pieces, and random edits of a valid flow. compileFlow must answer every one with a result or
// positioned errors, never an exception.
import fc from 'fast-check';
import { expectClean, FuzzFailure, fuzzTarget, type FuzzTarget } from '../../../test/support/fuzz.ts';
import { compileFlow } from './compile-flow.ts';
import { formatFlowError } from './flow-error.ts';

const VALID = `CREATE SOURCE cam1 TYPE video WITH uri='file:///data/lobby.mp4', fps=10, loop=true;
CREATE STREAM people AS SELECT track(detect(frame, model='centernet', score=0.4), tracker='sort') FROM cam1 WHERE class='person' AND score > 0.5;
CREATE STREAM people_attrs AS SELECT attributes(people, heads=['age','gender']) FROM people;
INSERT INTO postgres FROM people_attrs;
INSERT INTO live FROM people;
`;

const PIECES = [
  'CREATE', 'SOURCE', 'STREAM', 'TYPE', 'WITH', 'AS', 'SELECT', 'FROM', 'WHERE', 'INSERT', 'INTO', 'AND', 'OR', 'NOT', 'IN', 'TRUE', 'FALSE',
  'cam1', 'people', 'video', 'rtsp', 'frame', 'detect', 'track', 'attributes', 'postgres', 'live', 'model', 'heads', 'class', 'score', 'uri', 'fps',
  "'centernet'", "'person'", "'file:///x.mp4'", "'", '"', '(', ')', '[', ']', ',', ';', '=', '==', '!=', '<', '>', '<=', '>=', '*', '.', '-', '--', '/*', '*/',
  '0', '-1', '1e308', '1e999', '0.5', '99999999999999999999', 'NaN', '\n', '\t', '\u0000', 'é', '😀',
];

function check(text: string): void {
  const result = expectClean(() => compileFlow(text));
  if (!result) return;
  const problems = result.ok ? result.warnings : [...result.errors, ...result.warnings];
  for (const p of problems) {
    if (p.span.start.offset < 0 || p.span.end.offset > text.length || p.span.start.line < 1) throw new FuzzFailure('crash', `span ${JSON.stringify(p.span)} lies outside the ${text.length}-character text`);
    expectClean(() => formatFlowError(p, text, 'fuzz.flow'));
  }
}

/** Every flow fuzz target. */
export const flowFuzzTargets: FuzzTarget[] = [
  fuzzTarget({ name: 'flow: random text', arbitrary: fc.string({ unit: 'binary', maxLength: 400 }), run: check }),
  fuzzTarget({ name: 'flow: grammar pieces', arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }).map((p) => p.join(' ')), run: check }),
  fuzzTarget({
    name: 'flow: edits of a valid flow',
    arbitrary: fc.array(fc.tuple(fc.nat({ max: VALID.length }), fc.nat({ max: 6 }), fc.constantFrom(...PIECES, '')), { minLength: 1, maxLength: 6 }),
    run: (edits) => check(edits.reduce((text, [at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut), VALID)),
  }),
];
