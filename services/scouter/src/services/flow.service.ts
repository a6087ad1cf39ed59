import type { CamerasChangedEvent, Flow, FlowCheckResult, FlowProblem } from '@sightline/contracts';
import { compileFlow, describePipeline, FLOW_FUNCTIONS, formatFlowError, type FlowError, type FlowRegistry, type PipelineSpec } from '@sightline/flow';
import { HttpError } from '@sightline/server-kit';
import { ATTRIBUTE_HEADS, DETECTOR_MODELS } from '../pipeline/real-stages.ts';
import { sourceTypeOf } from '../pipeline/default-spec.ts';
import type { CameraRepository } from '../repositories/camera.repository.ts';
import type { FlowRepository, FlowRow } from '../repositories/flow.repository.ts';
import { checkVideoFile, type CameraSourcePolicy } from './camera-source-policy.ts';

/** What flows may name in this Scouter: the detectors and attribute heads its stages can load. */
export const scouterFlowRegistry: FlowRegistry = Object.freeze({
  models: DETECTOR_MODELS,
  heads: ATTRIBUTE_HEADS,
  functions: FLOW_FUNCTIONS,
  trackers: ['bytetrack', 'sort'] as const,
});

/**
 * `registry` with the deployed trained heads added: flows name them like the stock heads, in
 * `attributes(people, heads=['upper_colour'])`.
 */
export function withTrainedHeads(registry: FlowRegistry, trained: readonly string[]): FlowRegistry {
  const extra = trained.filter((h) => !registry.heads.includes(h));
  return extra.length ? { ...registry, heads: [...registry.heads, ...extra] } : registry;
}

/** A flow that does not compile: every error with its position, for a 400 answer. */
export class FlowCompileError extends HttpError {
  constructor(
    message: string,
    readonly errors: FlowProblem[],
  ) {
    super(400, message);
  }
}

/**
 * Flows over HTTP: compiled against the real registry when saved; starting one turns each planned
 * pipeline into a camera named after its source (created, or replaced when the flow changed), which
 * the workers then run like any other camera; stopping disables those cameras.
 */
export class FlowService {
  constructor(
    private readonly flows: FlowRepository,
    private readonly cameras: CameraRepository,
    private readonly announce: (event: CamerasChangedEvent) => void,
    private readonly sources: CameraSourcePolicy,
    /** Names of the deployed trained heads: flows may name them in attributes(s, heads=[...]). */
    private readonly deployedHeads: () => Promise<string[]> = async () => [],
    /** Detector models flows may name (built-ins plus SCOUTER_DETECTOR_CARDS). */
    private readonly detectorModels: readonly string[] = DETECTOR_MODELS,
  ) {}

  async list(): Promise<Flow[]> {
    return Promise.all((await this.flows.list()).map((f) => this.describe(f)));
  }

  async get(name: string): Promise<Flow> {
    return this.describe(await this.find(name));
  }

  /** Compiles a flow with the same compiler and heads as `save` (and `sightline flow check`) and stores nothing: errors at line:column, warnings, the plan. */
  async check(source: string): Promise<FlowCheckResult> {
    const result = compileFlow(source, withTrainedHeads({ ...scouterFlowRegistry, models: this.detectorModels }, await this.deployedHeads()));
    if (!result.ok) return { ok: false, errors: result.errors.map(toProblem), warnings: [], pipelines: [] };
    const warnings = result.warnings.map((w) => `${w.span.start.line}:${w.span.start.column}: ${w.message}`);
    if (result.pipelines.length === 0) return { ok: false, errors: [{ code: 'no-pipeline', message: 'the flow defines no pipeline (no INSERT INTO reaching a source)', line: 1, column: 1, endLine: 1, endColumn: 1 }], warnings, pipelines: [] };
    return { ok: true, errors: [], warnings, pipelines: result.pipelines.map(describePipeline) };
  }

  /** Compiles and stores a flow; a running flow's cameras take the new plan at once. */
  async save(name: string, source: string): Promise<{ flow: Flow; created: boolean }> {
    const result = compileFlow(source, withTrainedHeads({ ...scouterFlowRegistry, models: this.detectorModels }, await this.deployedHeads()));
    if (!result.ok) {
      const errors = result.errors.map(toProblem);
      throw new FlowCompileError(result.errors.map((e) => formatFlowError(e, source, name).split('\n')[0]).join('\n'), errors);
    }
    if (result.pipelines.length === 0) throw new FlowCompileError(`${name}: the flow defines no pipeline (no INSERT INTO reaching a source)`, []);
    const warnings = result.warnings.map((w) => `${w.span.start.line}:${w.span.start.column}: ${w.message}`);
    const previous = await this.flows.get(name);
    const wasRunning = previous ? (await this.flows.cameras(previous.id)).some((c) => c.enabled) : false;
    const saved = await this.flows.save(name, source, { pipelines: result.pipelines, warnings });
    if (wasRunning) await this.apply(saved.flow);
    return { flow: await this.describe(saved.flow), created: saved.created };
  }

  async start(name: string): Promise<Flow> {
    const flow = await this.find(name);
    await this.apply(flow);
    return this.describe(flow);
  }

  async stop(name: string): Promise<Flow> {
    const flow = await this.find(name);
    if ((await this.flows.setEnabled(flow.id, false)) > 0) for (const c of await this.flows.cameras(flow.id)) this.announce({ cameraId: c.id, change: 'updated' });
    return this.describe(flow);
  }

  /** Deletes the flow and the cameras it created (their tracks and observations go with them). */
  async remove(name: string): Promise<void> {
    const flow = await this.find(name);
    const cameras = await this.flows.cameras(flow.id);
    await this.flows.removeCameras(cameras.map((c) => c.id));
    await this.flows.remove(flow.id);
    for (const c of cameras) this.announce({ cameraId: c.id, change: 'removed' });
  }

  private async find(name: string): Promise<FlowRow> {
    const flow = await this.flows.get(name);
    if (!flow) throw new HttpError(404, `No flow named "${name}"; PUT /flows/${name} with { "source": "<flow text>" } creates it`);
    return flow;
  }

  /** Creates or updates one enabled camera per planned pipeline; removes the flow's cameras no longer planned. */
  private async apply(flow: FlowRow): Promise<void> {
    const planned = await Promise.all(flow.plan.pipelines.map(async (spec) => ({ spec: withUri(spec, await checkUri(this.sources, spec)), name: spec.source.name })));
    const changes = await this.flows.transaction(async (client) => {
      const existing = await this.flows.camerasNamed(planned.map((p) => p.name), client);
      const out: CamerasChangedEvent[] = [];
      for (const { spec, name } of planned) {
        const camera = { name, uri: spec.source.uri, fps: spec.source.fps, loop: spec.source.loop, enabled: true };
        const found = existing.get(name);
        if (found && found.flowId !== flow.id) {
          throw new HttpError(409, `source "${name}" would become camera "${name}", but a camera of that name already exists${found.flowId === null ? '' : ' (from another flow)'}; rename the source or remove that camera`);
        }
        if (found) {
          await this.cameras.replace(found.id, camera, spec, flow.id, client);
          out.push({ cameraId: found.id, change: 'updated' });
        } else out.push({ cameraId: await this.cameras.create(camera, spec, flow.id, client), change: 'added' });
      }
      const gone = (await this.flows.cameras(flow.id, client)).filter((c) => !planned.some((p) => p.name === c.name));
      await this.flows.removeCameras(gone.map((c) => c.id), client);
      return out.concat(gone.map((c) => ({ cameraId: c.id, change: 'removed' as const })));
    });
    for (const change of changes) this.announce(change);
  }

  private async describe(flow: FlowRow): Promise<Flow> {
    const cameras = await this.flows.cameras(flow.id);
    const byName = new Map(cameras.map((c) => [c.name, c]));
    return {
      id: flow.id,
      name: flow.name,
      source: flow.source,
      state: cameras.some((c) => c.enabled) ? 'running' : 'stopped',
      pipelines: flow.plan.pipelines.map((p) => ({
        name: p.name,
        cameraName: p.source.name,
        uri: p.source.uri,
        fps: p.source.fps,
        heads: [...(p.attributes?.heads ?? [])],
        cameraId: byName.get(p.source.name)?.id ?? null,
      })),
      warnings: flow.plan.warnings,
      createdAt: flow.createdAt.toISOString(),
      updatedAt: flow.updatedAt.toISOString(),
    };
  }
}

async function checkUri(sources: CameraSourcePolicy, spec: PipelineSpec): Promise<string> {
  try {
    const uri = await sources.check(spec.source.uri);
    await checkVideoFile(uri, spec.source.uri);
    return uri;
  } catch (err) {
    throw new HttpError(400, `source "${spec.source.name}": ${(err as Error).message}`);
  }
}

function withUri(spec: PipelineSpec, uri: string): PipelineSpec {
  return { ...spec, source: { ...spec.source, uri, type: sourceTypeOf(uri) } };
}

function toProblem(e: FlowError): FlowProblem {
  return { code: e.code, message: e.message, line: e.span.start.line, column: e.span.start.column, endLine: e.span.end.line, endColumn: e.span.end.column };
}
