import type { Position, Span } from './ast.ts';
import type { FlowError } from './flow-error.ts';

/** Reserved words, matched without regard to case (`select` and `SELECT` are the same word). */
export const KEYWORDS = ['CREATE', 'SOURCE', 'STREAM', 'TYPE', 'WITH', 'AS', 'SELECT', 'FROM', 'WHERE', 'INSERT', 'INTO', 'AND', 'OR', 'NOT', 'IN', 'TRUE', 'FALSE'] as const;
export type Keyword = (typeof KEYWORDS)[number];

export type Punctuation = '(' | ')' | '[' | ']' | ',' | ';' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '*';

export type Token =
  | { readonly kind: 'keyword'; readonly keyword: Keyword; readonly text: string; readonly span: Span }
  | { readonly kind: 'identifier'; readonly text: string; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly text: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'punctuation'; readonly punctuation: Punctuation; readonly text: string; readonly span: Span }
  | { readonly kind: 'eof'; readonly text: ''; readonly span: Span };

const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);
// Longest first so `<=` wins over `<`; `<>` is SQL's spelling of `!=`.
const punctuations: readonly [string, Punctuation][] = [
  ['<=', '<='], ['>=', '>='], ['!=', '!='], ['<>', '!='],
  ['(', '('], [')', ')'], ['[', '['], [']', ']'], [',', ','], [';', ';'], ['=', '='], ['<', '<'], ['>', '>'], ['*', '*'],
];

/**
 * Splits flow text into tokens, skipping whitespace, `-- line` and `/* block *\/` comments.
 * Problems (a stray character, an unterminated string) are collected and lexing goes on, so one
 * pass reports all of them.
 * @example tokenize("INSERT INTO live FROM people;").tokens.length // 6 (with eof)
 */
export function tokenize(text: string): { tokens: Token[]; errors: FlowError[] } {
  const tokens: Token[] = [];
  const errors: FlowError[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): Position => ({ offset, line, column: offset - lineStart + 1 });
  const advance = (count: number): void => {
    for (let i = 0; i < count; i++) {
      if (text[offset] === '\n') {
        line++;
        lineStart = offset + 1;
      }
      offset++;
    }
  };

  while (offset < text.length) {
    const c = text[offset] ?? '';
    const start = here();
    if (/\s/.test(c)) {
      advance(1);
    } else if (text.startsWith('--', offset)) {
      while (offset < text.length && text[offset] !== '\n') advance(1);
    } else if (text.startsWith('/*', offset)) {
      const close = text.indexOf('*/', offset + 2);
      advance(close === -1 ? text.length - offset : close + 2 - offset);
      if (close === -1) errors.push({ code: 'unterminated-comment', message: "comment opened with '/*' is never closed: add '*/'", span: { start, end: { ...start, offset: start.offset + 2, column: start.column + 2 } } });
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(offset))?.[0] ?? c;
      advance(word.length);
      const upper = word.toUpperCase();
      const span = { start, end: here() };
      tokens.push(keywordSet.has(upper) ? { kind: 'keyword', keyword: upper as Keyword, text: word, span } : { kind: 'identifier', text: word, span });
    } else if (/[0-9]/.test(c) || ((c === '-' || c === '.') && /[0-9]/.test(text[offset + 1] ?? '')) || (c === '-' && text[offset + 1] === '.' && /[0-9]/.test(text[offset + 2] ?? ''))) {
      const literal = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(offset))?.[0] ?? c;
      advance(literal.length);
      tokens.push({ kind: 'number', value: Number(literal), text: literal, span: { start, end: here() } });
    } else if (c === '"') {
      // Read it as a string anyway so one wrong quote is one error, not a cascade.
      const close = text.indexOf('"', offset + 1);
      const newline = text.indexOf('\n', offset + 1);
      const stop = close !== -1 && (newline === -1 || close < newline) ? close + 1 : newline === -1 ? text.length : newline;
      const value = text.slice(offset + 1, close + 1 === stop ? close : stop);
      advance(stop - offset);
      const span = { start, end: here() };
      errors.push({ code: 'unexpected-character', message: `strings use single quotes: write '${value.replace(/'/g, "''")}'`, span });
      tokens.push({ kind: 'string', value, text: text.slice(start.offset, offset), span });
    } else if (c === "'") {
      let value = '';
      let closed = false;
      advance(1);
      while (offset < text.length && text[offset] !== '\n') {
        if (text[offset] === "'") {
          // SQL escapes a quote inside a string by doubling it: 'O''Hare'.
          if (text[offset + 1] === "'") {
            value += "'";
            advance(2);
            continue;
          }
          advance(1);
          closed = true;
          break;
        }
        value += text[offset];
        advance(1);
      }
      const span = { start, end: here() };
      if (!closed) errors.push({ code: 'unterminated-string', message: "string is not closed before the end of the line: add a closing ' (write '' for a quote inside a string)", span });
      tokens.push({ kind: 'string', value, text: text.slice(start.offset, offset), span });
    } else {
      const match = punctuations.find(([p]) => text.startsWith(p, offset));
      if (match) {
        advance(match[0].length);
        tokens.push({ kind: 'punctuation', punctuation: match[1], text: match[0], span: { start, end: here() } });
      } else {
        advance(1);
        const hint = c === '`' ? ': names are written without quotes' : '';
        errors.push({ code: 'unexpected-character', message: `unexpected character '${c}'${hint}`, span: { start, end: here() } });
      }
    }
  }
  const end = here();
  tokens.push({ kind: 'eof', text: '', span: { start: end, end } });
  return { tokens, errors };
}
