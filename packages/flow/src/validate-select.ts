import type { Argument, Call, Comparison, Expression, Literal, Select, Span } from './ast.ts';
import { closest, quoteList, type FlowError } from './flow-error.ts';
import { FLOW_FUNCTIONS, type FlowFunction, type FlowRegistry, type TrackerName } from './flow-registry.ts';
import type { AttributesSpec, TrackAppearance, TrackMotion, TrackSpec } from './pipeline-spec.ts';

/** What a stream carries once its whole chain back to a source is merged. */
export interface StreamFacts {
  /** The source at the root of the chain. */
  readonly source: string;
  readonly model: string;
  readonly track?: TrackSpec;
  readonly attributes?: AttributesSpec;
  /** Classes kept; `null` keeps every class. */
  readonly classes: readonly string[] | null;
  readonly scoreThreshold: number;
  /** The detector runs on every N-th frame; the tracker places the boxes between (1: every frame). */
  readonly detectEvery?: number | 'auto';
}

/**
 * The value an expression yields: raw frames of a source, detections (with what ran on them), or
 * `unknown` after an error already reported, which silences follow-on errors.
 */
export type FlowValue =
  | { readonly kind: 'frames'; readonly source: string }
  | { readonly kind: 'detections'; readonly facts: StreamFacts }
  | { readonly kind: 'unknown' };

/** What a SELECT reads: its FROM name and the value behind it. */
export interface SelectInput {
  readonly from: string;
  readonly value: FlowValue;
  /** Every defined source and stream name, to tell "not the FROM stream" from "unknown". */
  readonly defined: ReadonlySet<string>;
  readonly defaultScoreThreshold: number;
}

const namedArguments: Record<FlowFunction, readonly string[]> = { detect: ['model', 'every'], track: ['tracker', 'motion', 'appearance'], attributes: ['heads'] };
/** The largest detect(..., every=N): past it tracks drift too far between network passes. */
const MAX_DETECT_EVERY = 10;
const filterFields = ['class', 'score'] as const;

/**
 * Checks a stream's SELECT against what its FROM carries and the registry; returns the merged
 * facts of the new stream, or undefined when an error (pushed to `errors`) leaves it unknown.
 */
export function analyzeSelect(select: Select, input: SelectInput, registry: FlowRegistry, errors: FlowError[]): StreamFacts | undefined {
  const value = evaluate(select.expression, input, registry, errors);
  if (value.kind === 'frames') {
    errors.push({ code: 'type', message: `a stream FROM source '${value.source}' must run detection: select detect(frame, model='${registry.models[0] ?? 'centernet'}') or a call wrapping it`, span: select.expression.span });
    return undefined;
  }
  let facts = value.kind === 'detections' ? value.facts : undefined;
  for (const comparison of select.where) {
    facts = applyFilter(comparison, facts, registry, errors);
  }
  return facts;
}

function evaluate(expression: Expression, input: SelectInput, registry: FlowRegistry, errors: FlowError[]): FlowValue {
  switch (expression.kind) {
    case 'star':
      return input.value;
    case 'identifier': {
      const name = expression.name;
      if (name === input.from) return input.value;
      if (name === 'frame') {
        if (input.value.kind === 'frames' || input.value.kind === 'unknown') return input.value;
        errors.push({ code: 'bad-argument', message: `'frame' means the frames of a source, but FROM ${input.from} is a stream: use ${input.from} instead`, span: expression.span });
        return { kind: 'unknown' };
      }
      if (input.defined.has(name)) {
        errors.push({ code: 'bad-argument', message: `a SELECT reads only its FROM ${input.from}: use ${input.value.kind === 'frames' ? 'frame' : input.from} here, or write FROM ${name}`, span: expression.span });
      } else {
        const hint = closest(name, [...input.defined, 'frame']);
        errors.push({ code: 'unknown-stream', message: `unknown stream '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}: use ${input.value.kind === 'frames' ? "'frame'" : `'${input.from}'`}, the FROM of this SELECT`, span: expression.span });
      }
      return { kind: 'unknown' };
    }
    case 'call':
      return evaluateCall(expression, input, registry, errors);
    default:
      errors.push({ code: 'type', message: `a SELECT yields a stream, not a ${expression.kind === 'list' ? 'list' : expression.kind}: select a call such as detect(frame), a stream name or *`, span: expression.span });
      return { kind: 'unknown' };
  }
}

function evaluateCall(call: Call, input: SelectInput, registry: FlowRegistry, errors: FlowError[]): FlowValue {
  const name = call.callee.name;
  const fn = FLOW_FUNCTIONS.find((f) => f === name.toLowerCase());
  if (!fn || !registry.functions.includes(fn)) {
    const hint = closest(name, registry.functions);
    const why = fn ? `function '${name}' is not available in this installation` : `unknown function '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`;
    errors.push({ code: 'unknown-function', message: `${why}: functions are ${quoteList(registry.functions, 'and')}`, span: call.callee.span });
    // Still check nested calls so every problem is reported in one pass.
    for (const arg of call.args) if (arg.value.kind === 'call') evaluate(arg.value, input, registry, errors);
    return { kind: 'unknown' };
  }

  const positional: Argument[] = [];
  const named = new Map<string, Argument>();
  for (const arg of call.args) {
    if (!arg.name) {
      if (named.size > 0) errors.push({ code: 'bad-argument', message: `${fn}(...) takes its input first, before named arguments`, span: arg.span });
      positional.push(arg);
      continue;
    }
    const argName = arg.name.name;
    if (!namedArguments[fn].includes(argName)) {
      const hint = closest(argName, namedArguments[fn]);
      errors.push({ code: 'unknown-option', message: `${fn}(...) has no argument '${argName}'${hint ? ` (did you mean '${hint}'?)` : ''}: it takes ${quoteList(namedArguments[fn], 'and')}`, span: arg.name.span });
    } else if (named.has(argName)) {
      errors.push({ code: 'duplicate-option', message: `argument ${argName} is given twice to ${fn}(...): keep one`, span: arg.name.span });
    } else {
      named.set(argName, arg);
    }
  }
  const first = positional[0];
  if (!first) {
    const wanted = fn === 'detect' ? 'frame' : input.from;
    errors.push({ code: 'bad-argument', message: `${fn}(...) needs its input as the first argument: ${fn}(${wanted}, ...)`, span: call.span });
  }
  for (const extra of positional.slice(1)) {
    errors.push({ code: 'bad-argument', message: `${fn}(...) takes one input; name the other arguments (${quoteList(namedArguments[fn], 'or')}=...)`, span: extra.span });
  }
  const inner = first ? evaluate(first.value, input, registry, errors) : { kind: 'unknown' as const };
  switch (fn) {
    case 'detect': return withDetectEvery(detect(call, inner, named.get('model'), registry, input, errors), named.get('every'), errors);
    case 'track': return withTrackAppearance(withTrackMotion(track(call, inner, named.get('tracker'), registry, errors), named.get('motion'), errors), named.get('appearance'), errors);
    case 'attributes': return attributes(call, inner, named.get('heads'), registry, errors);
  }
}

function detect(call: Call, inner: FlowValue, modelArg: Argument | undefined, registry: FlowRegistry, input: SelectInput, errors: FlowError[]): FlowValue {
  let model = registry.models[0];
  if (modelArg) {
    const value = modelArg.value;
    if (value.kind !== 'string') {
      errors.push({ code: 'type', message: `model must be a quoted model name such as '${registry.models[0] ?? 'centernet'}'`, span: value.span });
      model = undefined;
    } else if (!registry.models.includes(value.value)) {
      const hint = closest(value.value, registry.models);
      errors.push({ code: 'unknown-model', message: `unknown model '${value.value}'${hint ? ` (did you mean '${hint}'?)` : ''}: models are ${registry.models.length > 0 ? quoteList(registry.models, 'and') : 'none (no model is registered)'}`, span: value.span });
      model = undefined;
    } else {
      model = value.value;
    }
  } else if (model === undefined) {
    errors.push({ code: 'unknown-model', message: 'no detector model is registered, so detect(...) cannot run: install a model', span: call.callee.span });
  }
  if (inner.kind === 'detections') {
    errors.push({ code: 'type', message: `detect(...) reads frames, but its input already holds detections: detect runs once, in the stream FROM a source`, span: call.args[0]?.span ?? call.span });
    return { kind: 'unknown' };
  }
  if (inner.kind === 'unknown' || model === undefined) return { kind: 'unknown' };
  return { kind: 'detections', facts: { source: inner.source, model, classes: null, scoreThreshold: input.defaultScoreThreshold } };
}

function withDetectEvery(value: FlowValue, everyArg: Argument | undefined, errors: FlowError[]): FlowValue {
  if (!everyArg) return value;
  const arg = everyArg.value;
  if (arg.kind === 'string' && arg.value.toLowerCase() === 'auto') {
    return value.kind === 'detections' ? { kind: 'detections', facts: { ...value.facts, detectEvery: 'auto' } } : value;
  }
  if (arg.kind !== 'number' || !Number.isInteger(arg.value) || arg.value < 1 || arg.value > MAX_DETECT_EVERY) {
    errors.push({ code: 'type', message: `every must be 'auto' or a whole number of frames from 1 to ${MAX_DETECT_EVERY}, such as every=2 (the detector runs on every 2nd frame, the tracker fills the rest)`, span: arg.span });
    return { kind: 'unknown' };
  }
  return value.kind === 'detections' ? { kind: 'detections', facts: { ...value.facts, detectEvery: arg.value } } : value;
}

function track(call: Call, inner: FlowValue, trackerArg: Argument | undefined, registry: FlowRegistry, errors: FlowError[]): FlowValue {
  let tracker: TrackerName | undefined = registry.trackers.includes('bytetrack') ? 'bytetrack' : registry.trackers[0];
  if (trackerArg) {
    const value = trackerArg.value;
    const found = value.kind === 'string' ? registry.trackers.find((t) => t === value.value) : undefined;
    if (!found) {
      const hint = value.kind === 'string' ? closest(value.value, registry.trackers) : undefined;
      const what = value.kind === 'string' ? `unknown tracker '${value.value}'${hint ? ` (did you mean '${hint}'?)` : ''}` : 'tracker must be a quoted tracker name';
      errors.push({ code: value.kind === 'string' ? 'unknown-tracker' : 'type', message: `${what}: trackers are ${quoteList(registry.trackers, 'and')}`, span: value.span });
    }
    tracker = found;
  } else if (tracker === undefined) {
    errors.push({ code: 'unknown-tracker', message: 'no tracker is registered, so track(...) cannot run', span: call.callee.span });
  }
  const input = needDetections('track', inner, call, errors);
  if (!input || tracker === undefined) return { kind: 'unknown' };
  if (input.track) {
    errors.push({ code: 'type', message: `track(...) input is already tracked (by ${input.track.tracker}): track once per chain`, span: call.span });
    return { kind: 'unknown' };
  }
  return { kind: 'detections', facts: { ...input, track: { tracker } } };
}

const TRACK_MOTIONS: readonly TrackMotion[] = ['auto', 'off'];

function withTrackMotion(value: FlowValue, motionArg: Argument | undefined, errors: FlowError[]): FlowValue {
  if (!motionArg) return value;
  const arg = motionArg.value;
  const motion = arg.kind === 'string' ? TRACK_MOTIONS.find((m) => m === arg.value) : undefined;
  if (!motion) {
    const hint = arg.kind === 'string' ? closest(arg.value, TRACK_MOTIONS) : undefined;
    const what = arg.kind === 'string' ? `unknown motion '${arg.value}'${hint ? ` (did you mean '${hint}'?)` : ''}` : 'motion must be quoted';
    errors.push({ code: 'type', message: `${what}: motion is 'auto' (estimate the camera's motion from the frames and move the tracks with it) or 'off' (the camera is still)`, span: arg.span });
    return { kind: 'unknown' };
  }
  if (value.kind !== 'detections' || !value.facts.track) return value;
  if (value.facts.track.tracker === 'sort' && motion === 'auto') {
    errors.push({ code: 'bad-argument', message: "motion='auto' needs tracker='bytetrack': sort is the reference SORT and has no camera-motion compensation", span: motionArg.span });
    return { kind: 'unknown' };
  }
  return { kind: 'detections', facts: { ...value.facts, track: { ...value.facts.track, motion } } };
}

const TRACK_APPEARANCES: readonly TrackAppearance[] = ['on', 'off'];

function withTrackAppearance(value: FlowValue, appearanceArg: Argument | undefined, errors: FlowError[]): FlowValue {
  if (!appearanceArg) return value;
  const arg = appearanceArg.value;
  const appearance = arg.kind === 'string' ? TRACK_APPEARANCES.find((m) => m === arg.value) : undefined;
  if (!appearance) {
    const hint = arg.kind === 'string' ? closest(arg.value, TRACK_APPEARANCES) : undefined;
    const what = arg.kind === 'string' ? `unknown appearance '${arg.value}'${hint ? ` (did you mean '${hint}'?)` : ''}` : 'appearance must be quoted';
    errors.push({ code: 'type', message: `${what}: appearance is 'on' (match people by their look in the detector's own feature map as well as by overlap) or 'off' (by overlap alone)`, span: arg.span });
    return { kind: 'unknown' };
  }
  if (value.kind !== 'detections' || !value.facts.track) return value;
  if (value.facts.track.tracker === 'sort' && appearance === 'on') {
    errors.push({ code: 'bad-argument', message: "appearance='on' needs tracker='bytetrack': sort is the reference SORT and matches boxes alone", span: appearanceArg.span });
    return { kind: 'unknown' };
  }
  return { kind: 'detections', facts: { ...value.facts, track: { ...value.facts.track, appearance } } };
}

function attributes(call: Call, inner: FlowValue, headsArg: Argument | undefined, registry: FlowRegistry, errors: FlowError[]): FlowValue {
  let heads: string[] | undefined;
  const example = `heads=[${registry.heads.slice(0, 2).map((h) => `'${h}'`).join(', ')}]`;
  if (!headsArg) {
    errors.push({ code: 'bad-argument', message: `attributes(...) needs the heads to run: add ${example}`, span: call.span });
  } else if (headsArg.value.kind !== 'list' || headsArg.value.items.length === 0 || headsArg.value.items.some((i) => i.kind !== 'string')) {
    errors.push({ code: 'type', message: `heads must be a non-empty list of quoted head names, such as ${example}`, span: headsArg.value.span });
  } else {
    heads = [];
    for (const item of headsArg.value.items) {
      const head = String(item.value);
      if (!registry.heads.includes(head)) {
        const hint = closest(head, registry.heads);
        errors.push({ code: 'unknown-head', message: `unknown head '${head}'${hint ? ` (did you mean '${hint}'?)` : ''}: heads are ${registry.heads.length > 0 ? quoteList(registry.heads, 'and') : 'none (no head is registered)'}`, span: item.span });
        heads = undefined;
      } else if (heads?.includes(head)) {
        errors.push({ code: 'duplicate-option', message: `head '${head}' is listed twice: keep one`, span: item.span });
      } else {
        heads?.push(head);
      }
    }
  }
  const input = needDetections('attributes', inner, call, errors);
  if (!input || !heads) return { kind: 'unknown' };
  if (input.attributes) {
    errors.push({ code: 'type', message: `attributes(...) input already has attributes (${input.attributes.heads.join(', ')}): list every head in one attributes(...) call`, span: call.span });
    return { kind: 'unknown' };
  }
  return { kind: 'detections', facts: { ...input, attributes: { heads } } };
}

function needDetections(fn: FlowFunction, inner: FlowValue, call: Call, errors: FlowError[]): StreamFacts | undefined {
  if (inner.kind === 'frames') {
    errors.push({ code: 'type', message: `${fn}(...) needs detections, not frames: wrap detection first, ${fn}(detect(frame, ...))`, span: call.args[0]?.span ?? call.span });
    return undefined;
  }
  return inner.kind === 'detections' ? inner.facts : undefined;
}

function applyFilter(comparison: Comparison, facts: StreamFacts | undefined, registry: FlowRegistry, errors: FlowError[]): StreamFacts | undefined {
  const field = comparison.field.name.toLowerCase();
  if (field === 'class') {
    const values = classValues(comparison, errors);
    if (!values || !facts) return facts;
    const kept = facts.classes === null ? values : facts.classes.filter((c) => values.includes(c));
    if (kept.length === 0) {
      errors.push({ code: 'empty-filter', message: `this filter keeps nothing: the stream holds only ${quoteList(facts.classes ?? [], 'and')} here`, span: comparison.span });
      return undefined;
    }
    return { ...facts, classes: [...new Set(kept)] };
  }
  if (field === 'score') {
    const value = comparison.value;
    if (comparison.operator !== '>=') {
      errors.push({ code: 'type', message: `score takes >= (a minimum score), as in score >= 0.5; ${comparison.operator} cannot be planned`, span: comparison.operatorSpan });
      return facts;
    }
    if (value.kind !== 'number' || value.value < 0 || value.value > 1) {
      errors.push({ code: 'type', message: `score is compared with a number from 0 to 1, such as score >= 0.5`, span: value.span });
      return facts;
    }
    return facts ? { ...facts, scoreThreshold: Math.max(facts.scoreThreshold, value.value) } : facts;
  }
  const hint = closest(comparison.field.name, filterFields);
  const isHead = registry.heads.includes(comparison.field.name);
  const why = isHead ? `attribute '${comparison.field.name}' cannot be filtered on` : `unknown field '${comparison.field.name}'${hint ? ` (did you mean '${hint}'?)` : ''}`;
  errors.push({ code: 'unknown-field', message: `${why}: WHERE can filter on ${quoteList(filterFields)}`, span: comparison.field.span });
  return facts;
}

function classValues(comparison: Comparison, errors: FlowError[]): string[] | undefined {
  const value: Literal = comparison.value;
  const bad = (span: Span, message: string): undefined => {
    errors.push({ code: 'type', message, span });
    return undefined;
  };
  if (comparison.operator === '=') {
    return value.kind === 'string' ? [value.value] : bad(value.span, "class is compared with a quoted class name, such as class = 'person'");
  }
  if (comparison.operator === 'IN') {
    if (value.kind !== 'list' || value.items.length === 0 || value.items.some((i) => i.kind !== 'string')) return bad(value.span, "class IN takes quoted class names, such as class IN ('person', 'car')");
    return value.items.map((i) => String(i.value));
  }
  return bad(comparison.operatorSpan, `class takes = or IN; ${comparison.operator} cannot be planned (to keep several classes, write class IN ('person', 'car'))`);
}
