import type { CreateSource, CreateStream, Expression, FlowAst, Identifier, Insert, Span } from './ast.ts';
import { closest, quoteList, type FlowError, type FlowWarning } from './flow-error.ts';
import { DEFAULT_SCORE_THRESHOLD, type FlowRegistry } from './flow-registry.ts';
import type { SinkName, SourceSpec } from './pipeline-spec.ts';
import { analyzeSelect, type FlowValue, type StreamFacts } from './validate-select.ts';
import { validateSource } from './validate-source.ts';

const sinkNames: readonly SinkName[] = ['postgres', 'live'];
/** `frame` names a source's frames inside a SELECT, so nothing else may be called that. */
const reservedNames = ['frame'];

/** A flow that passed validation: everything the planner needs, by name. */
export interface ValidatedFlow {
  readonly sources: ReadonlyMap<string, SourceSpec>;
  readonly streams: ReadonlyMap<string, StreamFacts>;
  /** Each (sink, stream) pair once, in the order of the INSERT statements. */
  readonly inserts: readonly { readonly sink: SinkName; readonly stream: string; readonly span: Span }[];
}

export interface ValidationResult {
  readonly flow: ValidatedFlow;
  /** Every problem, in text order; the flow must not be planned unless this is empty. */
  readonly errors: FlowError[];
  readonly warnings: FlowWarning[];
}

/**
 * Checks names, types and the stream graph of a parsed flow against a registry, reporting every
 * problem with its position. Streams may be defined in any order; cycles are errors.
 * @example validateFlow(parseFlow(text).ast, defaultFlowRegistry).errors // [] for a good flow
 */
export function validateFlow(ast: FlowAst, registry: FlowRegistry, options: { defaultScoreThreshold?: number } = {}): ValidationResult {
  const errors: FlowError[] = [];
  const warnings: FlowWarning[] = [];
  const definitions = new Map<string, CreateSource | CreateStream>();

  for (const statement of ast.statements) {
    if (statement.kind === 'insert') continue;
    const name = statement.name;
    const earlier = definitions.get(name.name);
    if (reservedNames.includes(name.name.toLowerCase())) {
      errors.push({ code: 'reserved-name', message: `'${name.name}' is reserved (it names a source's frames inside SELECT): choose another name`, span: name.span });
    } else if (earlier) {
      errors.push({ code: 'duplicate-name', message: `'${name.name}' is already defined at line ${earlier.name.span.start.line}, column ${earlier.name.span.start.column}: sources and streams need distinct names`, span: name.span });
    } else {
      definitions.set(name.name, statement);
    }
  }

  const sources = new Map<string, SourceSpec>();
  for (const statement of definitions.values()) {
    if (statement.kind === 'create-source') sources.set(statement.name.name, validateSource(statement, errors));
  }

  const streams = resolveStreams(definitions, sources, registry, options.defaultScoreThreshold ?? DEFAULT_SCORE_THRESHOLD, errors);
  const inserts = checkInserts(ast.statements.filter((s): s is Insert => s.kind === 'insert'), definitions, streams, errors);
  if (ast.statements.every((s) => s.kind !== 'insert')) {
    errors.push({ code: 'no-sink', message: `the flow sends nothing anywhere: add INSERT INTO ${quoteList(sinkNames).replace(/'/g, '')} FROM <stream>;`, span: { start: ast.end, end: ast.end } });
  }

  // A definition no INSERT reaches is legal but is probably a mistake worth pointing out.
  const used = new Set<string>();
  // Every INSERT counts, valid or not, so a mistyped sink does not also earn "reaches no INSERT".
  for (const insert of ast.statements) {
    if (insert.kind !== 'insert') continue;
    for (let name: string | undefined = insert.from.name; name !== undefined && !used.has(name); ) {
      used.add(name);
      const definition = definitions.get(name);
      name = definition?.kind === 'create-stream' ? definition.select.from.name : undefined;
    }
  }
  for (const definition of definitions.values()) {
    if (!used.has(definition.name.name)) warnings.push({ message: `${definition.kind === 'create-source' ? 'source' : 'stream'} '${definition.name.name}' reaches no INSERT, so it will not run`, span: definition.name.span });
  }

  errors.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { flow: { sources, streams, inserts }, errors, warnings };
}

function resolveStreams(definitions: ReadonlyMap<string, CreateSource | CreateStream>, sources: ReadonlyMap<string, SourceSpec>, registry: FlowRegistry, defaultScoreThreshold: number, errors: FlowError[]): Map<string, StreamFacts> {
  const facts = new Map<string, StreamFacts>();
  const done = new Set<string>();
  const inCycle = findCycles(definitions, errors);
  const defined = new Set(definitions.keys());

  const resolve = (statement: CreateStream): StreamFacts | undefined => {
    const name = statement.name.name;
    if (done.has(name)) return facts.get(name);
    done.add(name);
    const from = statement.select.from;
    let value: FlowValue = { kind: 'unknown' };
    const input = definitions.get(from.name);
    if (inCycle.has(name)) {
      value = { kind: 'unknown' };
    } else if (!input) {
      reportUnknownFrom(from, statement, defined, errors);
    } else if (input.kind === 'create-source') {
      value = sources.has(from.name) ? { kind: 'frames', source: from.name } : { kind: 'unknown' };
    } else {
      const upstream = resolve(input);
      if (upstream) value = { kind: 'detections', facts: upstream };
    }
    const result = analyzeSelect(statement.select, { from: from.name, value, defined, defaultScoreThreshold }, registry, errors);
    if (result && value.kind !== 'unknown') facts.set(name, result);
    return facts.get(name);
  };

  for (const statement of definitions.values()) if (statement.kind === 'create-stream') resolve(statement);
  return facts;
}

function reportUnknownFrom(from: Identifier, statement: CreateStream, defined: ReadonlySet<string>, errors: FlowError[]): void {
  // detect(frame) says the author meant a source; otherwise it is a stream they meant.
  const wantsSource = usesFrame(statement.select.expression);
  const hint = closest(from.name, [...defined]);
  const kind = wantsSource ? 'source' : 'stream';
  errors.push({ code: wantsSource ? 'unknown-source' : 'unknown-stream', message: `unknown ${kind} '${from.name}'${hint ? ` (did you mean '${hint}'?)` : ''}: define it with CREATE ${kind.toUpperCase()} ${from.name} ...`, span: from.span });
}

function usesFrame(expression: Expression): boolean {
  if (expression.kind === 'identifier') return expression.name === 'frame';
  return expression.kind === 'call' && expression.args.some((a) => usesFrame(a.value));
}

/** Each stream has one FROM, so following FROMs either reaches a source, an unknown name, or loops. */
function findCycles(definitions: ReadonlyMap<string, CreateSource | CreateStream>, errors: FlowError[]): Set<string> {
  const inCycle = new Set<string>();
  const settled = new Set<string>();
  for (const start of definitions.values()) {
    const path: CreateStream[] = [];
    let current = definitions.get(start.name.name);
    while (current?.kind === 'create-stream' && !settled.has(current.name.name)) {
      const at = path.indexOf(current);
      if (at !== -1) {
        const cycle = path.slice(at);
        // Report once, at the member written first.
        const first = cycle.reduce((a, b) => (b.span.start.offset < a.span.start.offset ? b : a));
        const rotated = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first].map((s) => s.name.name);
        errors.push({ code: 'cycle', message: `streams form a cycle (${rotated.join(' -> ')} means each reads from the next): every chain must start FROM a source`, span: first.select.from.span });
        for (const s of cycle) inCycle.add(s.name.name);
        break;
      }
      path.push(current);
      current = definitions.get(current.select.from.name);
    }
    for (const s of path) settled.add(s.name.name);
  }
  return inCycle;
}

function checkInserts(statements: readonly Insert[], definitions: ReadonlyMap<string, CreateSource | CreateStream>, streams: ReadonlyMap<string, StreamFacts>, errors: FlowError[]): ValidatedFlow['inserts'] {
  const inserts: { sink: SinkName; stream: string; span: Span }[] = [];
  const seen = new Map<string, Insert>();
  const streamOfSource = new Map<string, Insert>();
  for (const statement of statements) {
    const sink = sinkNames.find((s) => s === statement.sink.name.toLowerCase());
    if (!sink) {
      const hint = closest(statement.sink.name, sinkNames);
      errors.push({ code: 'unknown-sink', message: `unknown sink '${statement.sink.name}'${hint ? ` (did you mean '${hint}'?)` : ''}: sinks are ${quoteList(sinkNames, 'and')}`, span: statement.sink.span });
    }
    const name = statement.from.name;
    const definition = definitions.get(name);
    if (!definition) {
      const hint = closest(name, [...definitions.keys()]);
      errors.push({ code: 'unknown-stream', message: `unknown stream '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}: define it with CREATE STREAM ${name} AS SELECT ...`, span: statement.from.span });
      continue;
    }
    if (definition.kind === 'create-source') {
      errors.push({ code: 'type', message: `source '${name}' holds frames, not detections: insert a stream that runs detect, e.g. CREATE STREAM people AS SELECT detect(frame) FROM ${name};`, span: statement.from.span });
      continue;
    }
    if (!sink) continue;
    const key = `${sink}\u0000${name}`;
    const earlier = seen.get(key);
    if (earlier) {
      errors.push({ code: 'duplicate-insert', message: `stream '${name}' is already inserted into ${sink} at line ${earlier.span.start.line}: remove one`, span: statement.span });
      continue;
    }
    seen.set(key, statement);
    const facts = streams.get(name);
    if (facts) {
      const other = streamOfSource.get(facts.source);
      if (other && other.from.name !== name) {
        errors.push({ code: 'source-conflict', message: `source '${facts.source}' already feeds stream '${other.from.name}' (INSERT at line ${other.span.start.line}); a camera runs one pipeline, so insert one stream per source (send that stream to both sinks)`, span: statement.from.span });
        continue;
      }
      streamOfSource.set(facts.source, statement);
    }
    inserts.push({ sink, stream: name, span: statement.span });
  }
  return inserts;
}
