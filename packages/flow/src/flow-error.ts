import type { Span } from './ast.ts';

/** Every kind of problem a flow can have: stable strings that callers and tests may match on. */
export const FLOW_ERROR_CODES = [
  // lexer
  'unexpected-character',
  'unterminated-string',
  'unterminated-comment',
  // parser
  'syntax',
  // validator
  'duplicate-name',
  'reserved-name',
  'unknown-source',
  'unknown-stream',
  'unknown-source-type',
  'unknown-option',
  'duplicate-option',
  'missing-option',
  'unknown-function',
  'unknown-model',
  'unknown-tracker',
  'unknown-head',
  'unknown-sink',
  'unknown-field',
  'bad-argument',
  'type',
  'empty-filter',
  'cycle',
  'duplicate-insert',
  'source-conflict',
  'no-sink',
] as const;
export type FlowErrorCode = (typeof FLOW_ERROR_CODES)[number];

/** One problem in a flow, with the text range it is about (line and column count from 1). */
export interface FlowError {
  readonly code: FlowErrorCode;
  /** What was wrong and what to do, without the position (see `formatFlowError`). */
  readonly message: string;
  readonly span: Span;
}

/** A remark about a flow that still plans (for example a source that feeds nothing). */
export interface FlowWarning {
  readonly message: string;
  readonly span: Span;
}

/**
 * Renders a problem the way compilers do: `file:line:column: error: message`, then the offending
 * line and a caret under the span.
 * @example formatFlowError(err, text, 'lobby.flow') // "lobby.flow:2:40: error: unknown model 'yolo' ..."
 */
export function formatFlowError(problem: FlowError | FlowWarning, text: string, file = '<flow>', severity: 'error' | 'warning' = 'code' in problem ? 'error' : 'warning'): string {
  const { start, end } = problem.span;
  const lines = text.split(/\r?\n/);
  const lineText = (lines[start.line - 1] ?? '').replace(/\t/g, ' ');
  const gutter = String(start.line);
  // A span that runs past its first line is underlined to the end of that line.
  const lastColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : Math.max(lineText.length + 1, start.column + 1);
  const caret = ' '.repeat(start.column - 1) + '^'.repeat(lastColumn - start.column);
  return [
    `${file}:${start.line}:${start.column}: ${severity}: ${problem.message}`,
    `  ${gutter} | ${lineText}`,
    `  ${' '.repeat(gutter.length)} | ${caret}`,
  ].join('\n');
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** `'a', 'b' or 'c'`: a list of names for messages. */
export function quoteList(names: readonly string[], conjunction = 'or'): string {
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}
