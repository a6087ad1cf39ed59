import type { CreateSource, Literal } from './ast.ts';
import { closest, quoteList, type FlowError } from './flow-error.ts';
import { DEFAULT_FPS } from './flow-registry.ts';
import type { SourceSpec, SourceType } from './pipeline-spec.ts';

const sourceTypes: readonly SourceType[] = ['video', 'rtsp', 'http'];
const optionNames = ['uri', 'fps', 'loop'] as const;

/** The URI schemes each source type decodes, and an example for messages. */
const schemes: Record<SourceType, { readonly prefixes: readonly string[]; readonly example: string }> = {
  video: { prefixes: ['file://'], example: "'file:///videos/lobby.mp4'" },
  rtsp: { prefixes: ['rtsp://', 'rtsps://'], example: "'rtsp://camera.local:554/stream'" },
  http: { prefixes: ['http://', 'https://'], example: "'http://camera.local/mjpeg'" },
};

function describeLiteral(value: Literal): string {
  return value.kind === 'list' ? 'a list' : value.kind === 'string' ? `the string '${value.value}'` : `the ${value.kind} ${String(value.value)}`;
}

/**
 * Checks one `CREATE SOURCE` and turns it into the `SourceSpec` Scouter decodes; every problem is
 * pushed to `errors` with the span of the word at fault.
 */
export function validateSource(statement: CreateSource, errors: FlowError[]): SourceSpec {
  const typeName = statement.type.name.toLowerCase();
  const type = sourceTypes.find((t) => t === typeName);
  if (!type) {
    const hint = closest(statement.type.name, sourceTypes);
    errors.push({ code: 'unknown-source-type', message: `unknown source type '${statement.type.name}'${hint ? ` (did you mean '${hint}'?)` : ''}: use ${quoteList(sourceTypes)}`, span: statement.type.span });
  }

  let uri: string | undefined;
  let fps = DEFAULT_FPS;
  let loop = false;
  const seen = new Map<string, CreateSource['options'][number]>();
  for (const option of statement.options) {
    const name = option.name.name.toLowerCase();
    const earlier = seen.get(name);
    if (earlier) {
      errors.push({ code: 'duplicate-option', message: `option ${option.name.name} is given twice (first at line ${earlier.span.start.line}, column ${earlier.span.start.column}): keep one`, span: option.name.span });
      continue;
    }
    seen.set(name, option);
    const value = option.value;
    if (name === 'uri') {
      if (value.kind !== 'string' || value.value.trim() === '') {
        errors.push({ code: 'type', message: `uri must be a non-empty string such as ${schemes[type ?? 'video'].example}, not ${describeLiteral(value)}`, span: value.span });
      } else {
        uri = value.value;
        if (type && !schemes[type].prefixes.some((p) => value.value.toLowerCase().startsWith(p))) {
          errors.push({ code: 'type', message: `a ${type} source needs a uri starting with ${quoteList(schemes[type].prefixes)}, such as ${schemes[type].example}`, span: value.span });
        }
      }
    } else if (name === 'fps') {
      if (value.kind !== 'number' || !Number.isFinite(value.value) || value.value <= 0) {
        errors.push({ code: 'type', message: `fps must be a positive number of frames per second (such as 10), not ${describeLiteral(value)}`, span: value.span });
      } else {
        fps = value.value;
      }
    } else if (name === 'loop') {
      if (value.kind !== 'boolean') {
        errors.push({ code: 'type', message: `loop must be TRUE or FALSE, not ${describeLiteral(value)}`, span: value.span });
      } else if (type && type !== 'video') {
        errors.push({ code: 'type', message: `loop applies only to TYPE video (a file starts again at its end); remove it from this ${type} source`, span: option.span });
      } else {
        loop = value.value;
      }
    } else {
      const hint = closest(option.name.name, optionNames);
      errors.push({ code: 'unknown-option', message: `unknown source option '${option.name.name}'${hint ? ` (did you mean '${hint}'?)` : ''}: a source takes ${quoteList(optionNames, 'and')}`, span: option.name.span });
    }
  }
  if (uri === undefined && !seen.has('uri')) {
    errors.push({ code: 'missing-option', message: `source ${statement.name.name} has no uri: add WITH uri=${schemes[type ?? 'video'].example}`, span: statement.name.span });
  }
  return { name: statement.name.name, type: type ?? 'video', uri: uri ?? '', fps, loop };
}
