import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileFlow } from './compile-flow.ts';
import { describePipeline } from './describe-pipeline.ts';
import { FLOW_ERROR_CODES } from './flow-error.ts';

// The README is the language's reference, so its examples must keep compiling to what it shows.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function fenced(language: string): string[] {
  return [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

test('the README example plans to the summary printed under it', () => {
  const [example] = fenced('sql');
  assert.ok(example, 'the README has a ```sql example');
  const result = compileFlow(example);
  assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
  const after = readme.slice(readme.indexOf(example) + example.length);
  const planned = /Planned[^\n]*\n\n```\n([\s\S]*?)```/.exec(after)?.[1]?.trim().split('\n');
  assert.deepEqual(result.pipelines.map(describePipeline), planned);
});

test('the README opening flow compiles', () => {
  const first = readme.split('```')[1]?.replace(/^\n/, '') ?? '';
  assert.match(first, /^CREATE SOURCE/);
  assert.equal(compileFlow(first).ok, true);
});

test('the README error table lists every error code', () => {
  const listed = new Set([...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual(FLOW_ERROR_CODES.filter((code) => !listed.has(code)), []);
});
