import type { PipelineSpec, SinkName } from './pipeline-spec.ts';
import type { ValidatedFlow } from './validator.ts';

/**
 * Turns a validated flow into the pipelines Scouter runs: one per inserted stream (so one per
 * source, which the validator guarantees), with detect, track, attributes and class/score filters
 * merged along the stream's chain back to its source. Call only when validation found no errors.
 * @example planFlow(validateFlow(ast, defaultFlowRegistry).flow)[0]?.detect.classes // ['person']
 */
export function planFlow(flow: ValidatedFlow): PipelineSpec[] {
  const sinksByStream = new Map<string, SinkName[]>();
  for (const insert of flow.inserts) {
    const sinks = sinksByStream.get(insert.stream) ?? [];
    if (!sinks.includes(insert.sink)) sinks.push(insert.sink);
    sinksByStream.set(insert.stream, sinks);
  }
  const pipelines: PipelineSpec[] = [];
  for (const [name, sinks] of sinksByStream) {
    const facts = flow.streams.get(name);
    const source = facts ? flow.sources.get(facts.source) : undefined;
    if (!facts || !source) throw new Error(`planFlow: stream '${name}' did not validate; plan only a flow whose validation returned no errors`);
    pipelines.push({
      name,
      source,
      detect: { model: facts.model, classes: facts.classes ?? [], scoreThreshold: facts.scoreThreshold, ...(facts.detectEvery !== undefined ? { every: facts.detectEvery } : {}) },
      ...(facts.track ? { track: facts.track } : {}),
      ...(facts.attributes ? { attributes: facts.attributes } : {}),
      sinks,
    });
  }
  return pipelines;
}
