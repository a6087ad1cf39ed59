import type { Argument, Comparison, ComparisonOperator, CreateSource, CreateStream, Expression, FlowAst, Identifier, Insert, ListLiteral, Literal, ScalarLiteral, Select, SourceOption, Span, Statement } from './ast.ts';
import type { FlowError } from './flow-error.ts';
import { tokenize, type Keyword, type Punctuation, type Token } from './lexer.ts';

/** Thrown inside the parser to abandon one statement; never escapes `parseFlow`. */
class SyntaxProblem extends Error {
  constructor(readonly problem: FlowError) {
    super(problem.message);
  }
}

const MAX_CALL_DEPTH = 32;
const comparisonOperators: readonly Punctuation[] = ['=', '!=', '<', '<=', '>', '>='];

function describe(token: Token): string {
  switch (token.kind) {
    case 'keyword': return `keyword ${token.keyword}`;
    case 'identifier': return `name '${token.text}'`;
    case 'string': return `string ${token.text}`;
    case 'number': return `number ${token.text}`;
    case 'punctuation': return `'${token.text}'`;
    case 'eof': return 'end of input';
  }
}

const spanOf = (from: Span, to: Span): Span => ({ start: from.start, end: to.end });

/**
 * Parses flow text into a syntax tree. A statement with a syntax error is skipped up to its `;`
 * and parsing goes on, so every broken statement is reported, each with its position.
 * @example parseFlow("INSERT INTO live FROM people;").ast.statements[0]?.kind // 'insert'
 */
export function parseFlow(text: string): { ast: FlowAst; errors: FlowError[] } {
  const lexed = tokenize(text);
  const parser = new Parser(lexed.tokens);
  const statements = parser.statements();
  const eof = lexed.tokens[lexed.tokens.length - 1];
  // A bad token (an unclosed string swallowing the `;`) usually breaks its statement too; the
  // lexer's error says what to fix, so the parser's follow-on error in that statement is dropped.
  const parseErrors = parser.errors
    .filter(({ problem, statementStart }) => !lexed.errors.some((e) => e.span.start.offset >= statementStart && e.span.start.offset <= problem.span.start.offset))
    .map(({ problem }) => problem);
  const errors = [...lexed.errors, ...parseErrors].sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { ast: { statements, end: eof ? eof.span.start : { offset: 0, line: 1, column: 1 } }, errors };
}

class Parser {
  readonly errors: { problem: FlowError; statementStart: number }[] = [];
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  statements(): Statement[] {
    const statements: Statement[] = [];
    while (this.peek().kind !== 'eof') {
      const startIndex = this.index;
      this.depth = 0;
      try {
        statements.push(this.statement());
      } catch (err) {
        if (!(err instanceof SyntaxProblem)) throw err;
        this.errors.push({ problem: err.problem, statementStart: this.tokens[startIndex]?.span.start.offset ?? 0 });
        this.recover(startIndex);
      }
    }
    return statements;
  }

  private statement(): Statement {
    const first = this.peek();
    let statement: Statement;
    if (this.atKeyword('CREATE')) {
      this.next();
      if (this.atKeyword('SOURCE')) statement = this.createSource(first.span);
      else if (this.atKeyword('STREAM')) statement = this.createStream(first.span);
      else throw this.expected('SOURCE or STREAM after CREATE');
    } else if (this.atKeyword('INSERT')) {
      statement = this.insert();
    } else {
      throw this.expected('a statement (CREATE SOURCE, CREATE STREAM or INSERT INTO)');
    }
    this.endOfStatement();
    return statement;
  }

  /** CREATE SOURCE name TYPE type [WITH option {, option}] */
  private createSource(start: Span): CreateSource {
    this.keyword('SOURCE');
    const name = this.identifier('a source name after CREATE SOURCE');
    this.keyword('TYPE', `TYPE after the source name (CREATE SOURCE ${name.name} TYPE video ...)`);
    const type = this.identifier('a source type after TYPE (video, rtsp or http)');
    const options: SourceOption[] = [];
    if (this.atKeyword('WITH')) {
      this.next();
      do {
        const optionName = this.identifier('an option name (such as uri or fps)');
        this.punctuation('=', `'=' after option ${optionName.name}`);
        const value = this.literal(`a value for option ${optionName.name} (a string, number, TRUE/FALSE or [list])`);
        options.push({ name: optionName, value, span: spanOf(optionName.span, value.span) });
      } while (this.acceptPunctuation(','));
    }
    return { kind: 'create-source', name, type, options, span: spanOf(start, this.previous().span) };
  }

  /** CREATE STREAM name AS select */
  private createStream(start: Span): CreateStream {
    this.keyword('STREAM');
    const name = this.identifier('a stream name after CREATE STREAM');
    this.keyword('AS', `AS after the stream name (CREATE STREAM ${name.name} AS SELECT ...)`);
    const select = this.select();
    return { kind: 'create-stream', name, select, span: spanOf(start, select.span) };
  }

  /** SELECT expression FROM name [WHERE comparison {AND comparison}] */
  private select(): Select {
    const start = this.keyword('SELECT', 'SELECT after AS');
    const expression = this.expression('what to select: a call such as detect(frame), a stream name or *');
    this.keyword('FROM', 'FROM after the selected expression');
    const from = this.identifier('a source or stream name after FROM');
    const where: Comparison[] = [];
    if (this.atKeyword('WHERE')) {
      this.next();
      do where.push(this.comparison());
      while (this.acceptKeyword('AND'));
      if (this.atKeyword('OR') || this.atKeyword('NOT')) {
        const token = this.peek();
        throw new SyntaxProblem({ code: 'syntax', message: `${token.text.toUpperCase()} is not supported in WHERE: join comparisons with AND, and keep several classes with class IN ('person', 'car')`, span: token.span });
      }
    }
    return { expression, from, where, span: spanOf(start, this.previous().span) };
  }

  private comparison(): Comparison {
    const field = this.identifier('a field name in WHERE (such as class or score)');
    const token = this.peek();
    if (this.acceptKeyword('IN')) {
      const open = this.punctuation('(', `'(' after IN (class IN ('person', 'car'))`);
      const items: ScalarLiteral[] = [];
      if (!this.atPunctuation(')')) {
        do items.push(this.scalar('a value in the IN list'));
        while (this.acceptPunctuation(','));
      }
      const close = this.punctuation(')', `',' or ')' in the IN list`);
      const value: ListLiteral = { kind: 'list', items, span: spanOf(open, close) };
      return { field, operator: 'IN', operatorSpan: token.span, value, span: spanOf(field.span, close) };
    }
    if (token.kind !== 'punctuation' || !comparisonOperators.includes(token.punctuation)) throw this.expected(`a comparison operator after ${field.name} (=, !=, <, <=, >, >= or IN)`);
    this.next();
    const value = this.scalar(`a value to compare ${field.name} with (a string, number, TRUE or FALSE)`);
    return { field, operator: token.punctuation as ComparisonOperator, operatorSpan: token.span, value, span: spanOf(field.span, value.span) };
  }

  /** INSERT INTO sink FROM stream */
  private insert(): Insert {
    const start = this.keyword('INSERT');
    this.keyword('INTO', 'INTO after INSERT');
    const sink = this.identifier('a sink name after INSERT INTO (postgres or live)');
    this.keyword('FROM', `FROM after the sink name (INSERT INTO ${sink.name} FROM <stream>)`);
    const from = this.identifier('a stream name after FROM');
    return { kind: 'insert', sink, from, span: spanOf(start, from.span) };
  }

  private expression(what: string): Expression {
    const token = this.peek();
    if (token.kind === 'punctuation' && token.punctuation === '*') {
      this.next();
      return { kind: 'star', span: token.span };
    }
    if (token.kind === 'identifier') {
      const name = this.identifier(what);
      if (!this.acceptPunctuation('(')) return name;
      // Flows arrive over HTTP: a bound keeps absurd nesting from exhausting the stack.
      if (++this.depth > MAX_CALL_DEPTH) throw new SyntaxProblem({ code: 'syntax', message: `calls nest more than ${MAX_CALL_DEPTH} deep: split the work into several streams`, span: name.span });
      const args: Argument[] = [];
      if (!this.atPunctuation(')')) {
        do args.push(this.argument(name.name));
        while (this.acceptPunctuation(','));
      }
      const close = this.punctuation(')', `',' or ')' in the arguments of ${name.name}(...)`);
      this.depth--;
      return { kind: 'call', callee: name, args, span: spanOf(name.span, close) };
    }
    return this.literal(what);
  }

  private argument(callee: string): Argument {
    const token = this.peek();
    const following = this.tokens[this.index + 1];
    if (token.kind === 'identifier' && following?.kind === 'punctuation' && following.punctuation === '=') {
      const name = this.identifier('an argument name');
      this.next();
      const value = this.expression(`a value for argument ${name.name} of ${callee}(...)`);
      return { name, value, span: spanOf(name.span, value.span) };
    }
    const value = this.expression(`an argument of ${callee}(...)`);
    return { value, span: value.span };
  }

  private literal(what: string): Literal {
    if (!this.atPunctuation('[')) return this.scalar(what);
    const open = this.next().span;
    const items: ScalarLiteral[] = [];
    if (!this.atPunctuation(']')) {
      do items.push(this.scalar('a list element (a string, number, TRUE or FALSE)'));
      while (this.acceptPunctuation(','));
    }
    const close = this.punctuation(']', "',' or ']' in the list");
    return { kind: 'list', items, span: spanOf(open, close) };
  }

  private scalar(what: string): ScalarLiteral {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return { kind: 'string', value: token.value, span: token.span };
    }
    if (token.kind === 'number') {
      this.next();
      return { kind: 'number', value: token.value, span: token.span };
    }
    if (token.kind === 'keyword' && (token.keyword === 'TRUE' || token.keyword === 'FALSE')) {
      this.next();
      return { kind: 'boolean', value: token.keyword === 'TRUE', span: token.span };
    }
    if (token.kind === 'identifier') throw this.expected(what, ` (to give text, quote it: '${token.text}')`);
    throw this.expected(what);
  }

  private identifier(what: string): Identifier {
    const token = this.peek();
    if (token.kind !== 'identifier') {
      const reserved = token.kind === 'keyword' ? ` (${token.keyword} is a reserved word; choose another name)` : '';
      throw this.expected(what, reserved);
    }
    this.next();
    return { kind: 'identifier', name: token.text, span: token.span };
  }

  private keyword(keyword: Keyword, what: string = keyword): Span {
    if (!this.atKeyword(keyword)) throw this.expected(what);
    return this.next().span;
  }

  private punctuation(punctuation: Punctuation, what: string): Span {
    if (!this.atPunctuation(punctuation)) throw this.expected(what);
    return this.next().span;
  }

  private endOfStatement(): void {
    if (this.acceptPunctuation(';')) return;
    // Point just after the statement rather than at whatever follows it, often on the next line.
    const after = this.previous().span.end;
    throw new SyntaxProblem({ code: 'syntax', message: `expected ';' to end the statement, found ${describe(this.peek())}`, span: { start: after, end: after } });
  }

  private expected(what: string, extra = ''): SyntaxProblem {
    const token = this.peek();
    return new SyntaxProblem({ code: 'syntax', message: `expected ${what}, found ${describe(token)}${extra}`, span: token.span });
  }

  /**
   * Skips past the next `;`, or up to the next CREATE or INSERT (which only start statements, so a
   * forgotten `;` costs one error, not two), so the following statement parses on its own.
   */
  private recover(startIndex: number): void {
    if (this.index === startIndex) this.next();
    while (this.peek().kind !== 'eof') {
      if (this.atKeyword('CREATE') || this.atKeyword('INSERT')) return;
      if (this.next().kind === 'punctuation' && this.previous().text === ';') return;
    }
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private previous(): Token {
    return this.tokens[Math.max(0, this.index - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private atKeyword(keyword: Keyword): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.keyword === keyword;
  }

  private atPunctuation(punctuation: Punctuation): boolean {
    const token = this.peek();
    return token.kind === 'punctuation' && token.punctuation === punctuation;
  }

  private acceptKeyword(keyword: Keyword): boolean {
    if (!this.atKeyword(keyword)) return false;
    this.next();
    return true;
  }

  private acceptPunctuation(punctuation: Punctuation): boolean {
    if (!this.atPunctuation(punctuation)) return false;
    this.next();
    return true;
  }
}
