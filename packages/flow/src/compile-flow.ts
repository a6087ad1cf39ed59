import { parseFlow } from './parser.ts';
import type { FlowError, FlowWarning } from './flow-error.ts';
import { defaultFlowRegistry, type FlowRegistry } from './flow-registry.ts';
import type { PipelineSpec } from './pipeline-spec.ts';
import { planFlow } from './planner.ts';
import { validateFlow } from './validator.ts';

export type CompileResult =
  | { readonly ok: true; readonly pipelines: PipelineSpec[]; readonly warnings: FlowWarning[] }
  | { readonly ok: false; readonly errors: FlowError[]; readonly warnings: FlowWarning[] };

/**
 * Parses, validates and plans flow text in one call. Syntax errors stop before validation (a
 * broken statement would cause misleading follow-on errors); otherwise every validation error is
 * returned at once. Render errors with `formatFlowError(error, text, fileName)`.
 * @example
 * const result = compileFlow(text, { ...defaultFlowRegistry, models: registry.names() });
 * if (!result.ok) reply.code(400).send({ errors: result.errors.map((e) => formatFlowError(e, text)) });
 */
export function compileFlow(text: string, registry: FlowRegistry = defaultFlowRegistry): CompileResult {
  const parsed = parseFlow(text);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors, warnings: [] };
  const validated = validateFlow(parsed.ast, registry);
  if (validated.errors.length > 0) return { ok: false, errors: validated.errors, warnings: validated.warnings };
  return { ok: true, pipelines: planFlow(validated.flow), warnings: validated.warnings };
}
