import { compileFlow, formatFlowError, type PipelineSpec } from '@sightline/flow';
import { basename } from 'node:path';
import type pg from 'pg';
import { CameraPipeline } from './pipeline/camera-pipeline.ts';
import { defaultSpec, sourceTypeOf } from './pipeline/default-spec.ts';
import { ObservationBatcher } from './pipeline/observation-batcher.ts';
import { detectorCatalogue, peopleDetectorProblem } from './pipeline/detector-catalogue.ts';
import { createRealStages } from './pipeline/real-stages.ts';
import { CameraRepository } from './repositories/camera.repository.ts';
import { ObservationRepository } from './repositories/observation.repository.ts';
import { normaliseCameraUri } from './services/camera-uri.ts';
import { scouterFlowRegistry, withTrainedHeads } from './services/flow.service.ts';
import { TrainingRepository } from './training/training.repository.ts';

export interface RunVideoOptions {
  readonly pool: pg.Pool;
  /** Path or file:// URL of the video. */
  readonly video: string;
  /** Flow text; its first pipeline runs on the video (its own source URI is replaced). It may name deployed trained heads. */
  readonly flow?: { readonly text: string; readonly fileName: string };
  readonly inferenceThreads?: number;
  /** Detector cards (comma-separated paths, as SCOUTER_DETECTOR_CARDS) whose models the flow or `model` may name. */
  readonly detectorCards?: string;
  /** The detector of the default pipeline (centernet when absent); a flow names its own. */
  readonly model?: string;
  readonly onProgress?: (framesProcessed: number) => void;
}

export interface RunVideoSummary {
  readonly cameraId: number;
  readonly cameraName: string;
  readonly pipeline: string;
  /** The detector the pipeline ran. */
  readonly detector: string;
  readonly frames: number;
  readonly seconds: number;
  readonly fps: number;
  readonly tracks: number;
  readonly peopleCounted: number;
  readonly observations: number;
  readonly detectMsP50: number | null;
}

/** A flow's errors, each with line and column, ready to print; or a detector the run cannot use. */
export class FlowRejectedError extends Error {}

/**
 * The disabled camera row a run writes under: `name`, or `name (2)`, `(3)`... when another run of a
 * file of the same name started in the same second took it (camera names are unique).
 */
async function createRunCamera(cameras: CameraRepository, name: string, spec: PipelineSpec): Promise<{ cameraId: number; named: PipelineSpec }> {
  for (let n = 1; ; n++) {
    const cameraName = n === 1 ? name : `${name.slice(0, 94)} (${n})`;
    // The default pipeline is named after its camera; a flow's keeps its stream's name.
    const named = { ...spec, ...(spec.name === name ? { name: cameraName } : {}), source: { ...spec.source, name: cameraName } };
    try {
      return { cameraId: await cameras.create({ name: cameraName, uri: spec.source.uri, fps: spec.source.fps, loop: false, enabled: false }, named), named };
    } catch (err) {
      if ((err as { code?: string }).code !== '23505' || n >= 50) throw err;
    }
  }
}

/**
 * The whole pipeline on one video, every frame, as fast as inference goes: a disabled camera row
 * (so no Scouter worker claims it) holds the tracks and observations it writes.
 * @example const summary = await runVideo({ pool, video: 'lobby.mp4' });
 */
export async function runVideo(options: RunVideoOptions): Promise<RunVideoSummary> {
  const uri = normaliseCameraUri(options.video);
  const name = `run ${basename(options.video)} ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`.slice(0, 100);
  const trained = new TrainingRepository(options.pool);
  const detectors = detectorCatalogue(options.detectorCards ?? '');
  if (options.model !== undefined && options.flow) throw new FlowRejectedError(`give the detector in the flow (detect(frame, model='${options.model}')), not beside it`);
  const problem = options.model === undefined ? undefined : peopleDetectorProblem(detectors, options.model);
  if (problem) throw new FlowRejectedError(problem);
  let spec: PipelineSpec = defaultSpec({ name, uri, fps: 10, loop: false }, [], options.model);
  if (options.flow) {
    const result = compileFlow(options.flow.text, withTrainedHeads({ ...scouterFlowRegistry, models: detectors.models }, await trained.deployedNames()));
    if (!result.ok) throw new FlowRejectedError(result.errors.map((e) => formatFlowError(e, options.flow!.text, options.flow!.fileName)).join('\n'));
    const first = result.pipelines[0];
    if (!first) throw new FlowRejectedError(`${options.flow.fileName} defines no pipeline (no INSERT INTO or stream reading a source)`);
    spec = { ...first, source: { ...first.source, name, type: sourceTypeOf(uri), uri, loop: false } };
  }
  const cameras = new CameraRepository(options.pool);
  const created = await createRunCamera(cameras, name, spec);
  const cameraId = created.cameraId;
  spec = created.named;
  const observations = new ObservationRepository(options.pool);
  await observations.ensurePartitions();
  const runId = crypto.randomUUID();
  const batcher = new ObservationBatcher((rows) => observations.insertBatch(cameraId, runId, rows), 500);
  const stages = createRealStages({ inferenceThreads: options.inferenceThreads ?? 2, deployedHeads: trained, detectors });
  let failure: string | null = null;
  const pipeline = new CameraPipeline(
    cameraId,
    spec,
    stages,
    {
      onTracks: (event, rows) => {
        if (spec.sinks.includes('postgres')) batcher.add(rows);
        options.onProgress?.(event.frameIndex + 1);
      },
      onState: (state, message) => {
        if (state === 'failed' || state === 'reconnecting') failure = message;
      },
      onFrameSize: (w, h) => void cameras.setFrameSize(cameraId, w, h),
    },
    { stallMs: 30_000, reconnectMaxMs: 1000, realtime: false },
  );
  const started = performance.now();
  pipeline.start();
  const stopOnFailure = setInterval(() => {
    if (failure) void pipeline.stop();
  }, 200);
  await pipeline.done;
  clearInterval(stopOnFailure);
  const seconds = (performance.now() - started) / 1000;
  await batcher.close();
  await stages.release();
  if (failure) throw new Error(`the pipeline stopped: ${failure}`);
  const stats = pipeline.stats();
  const { rows } = await options.pool.query<{ tracks: number; people: number; observations: number }>(
    `SELECT (SELECT count(*) FROM tracks WHERE camera_id = $1)::int AS tracks,
            (SELECT count(*) FROM tracks WHERE camera_id = $1 AND class_name = 'person')::int AS people,
            (SELECT count(*) FROM observations WHERE camera_id = $1)::int AS observations`,
    [cameraId],
  );
  return {
    cameraId,
    cameraName: spec.source.name,
    pipeline: spec.name,
    detector: spec.detect.model,
    frames: stats.framesProcessed,
    seconds,
    fps: stats.framesProcessed / seconds,
    tracks: rows[0]!.tracks,
    peopleCounted: rows[0]!.people,
    observations: rows[0]!.observations,
    detectMsP50: pipeline.stageMs.detect.quantile(0.5),
  };
}
