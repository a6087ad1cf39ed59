/**
 * The syntax tree of a flow. Every node keeps the span of text it came from so the validator can
 * point at the exact place of a problem.
 */

/** A point in the flow text: `offset` counts UTF-16 units from 0; `line` and `column` count from 1. */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** The half-open range of text `[start, end)` a token or node covers. */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

export interface Identifier {
  readonly kind: 'identifier';
  readonly name: string;
  readonly span: Span;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: Span;
}

/** `['age', 'gender']`: elements are literals, never calls. */
export interface ListLiteral {
  readonly kind: 'list';
  readonly items: readonly ScalarLiteral[];
  readonly span: Span;
}

export type ScalarLiteral = StringLiteral | NumberLiteral | BooleanLiteral;
export type Literal = ScalarLiteral | ListLiteral;

/** `*` in `SELECT * FROM people`: the FROM stream unchanged. */
export interface Star {
  readonly kind: 'star';
  readonly span: Span;
}

/** `name = value` inside a call: `model='centernet'`. */
export interface Argument {
  readonly name?: Identifier;
  readonly value: Expression;
  readonly span: Span;
}

export interface Call {
  readonly kind: 'call';
  readonly callee: Identifier;
  readonly args: readonly Argument[];
  readonly span: Span;
}

export type Expression = Call | Identifier | Literal | Star;

/** `uri='file:///x.mp4'` in `CREATE SOURCE ... WITH`. */
export interface SourceOption {
  readonly name: Identifier;
  readonly value: Literal;
  readonly span: Span;
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN';

/** `class = 'person'`, `score >= 0.5`, `class IN ('person', 'car')`. */
export interface Comparison {
  readonly field: Identifier;
  readonly operator: ComparisonOperator;
  readonly operatorSpan: Span;
  /** A list only for `IN`. */
  readonly value: Literal;
  readonly span: Span;
}

export interface Select {
  readonly expression: Expression;
  readonly from: Identifier;
  /** Comparisons joined by AND; empty without WHERE. */
  readonly where: readonly Comparison[];
  readonly span: Span;
}

export interface CreateSource {
  readonly kind: 'create-source';
  readonly name: Identifier;
  readonly type: Identifier;
  readonly options: readonly SourceOption[];
  readonly span: Span;
}

export interface CreateStream {
  readonly kind: 'create-stream';
  readonly name: Identifier;
  readonly select: Select;
  readonly span: Span;
}

export interface Insert {
  readonly kind: 'insert';
  readonly sink: Identifier;
  readonly from: Identifier;
  readonly span: Span;
}

export type Statement = CreateSource | CreateStream | Insert;

export interface FlowAst {
  readonly statements: readonly Statement[];
  /** Where the text ends, for problems about the flow as a whole (nothing inserted). */
  readonly end: Position;
}
