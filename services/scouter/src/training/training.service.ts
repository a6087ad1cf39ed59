// Training jobs end to end: a config becomes a grid of queued jobs; a worker runs them one at a
// time (features pooled once per project and ROI size, then one head per job), reports every
// epoch, honours cancellation between epochs, and stores the head as a new version only when the
// job succeeds. Deploy and rollback switch the version Scouter's pipelines load.
import { randomUUID } from 'node:crypto';
import type { AttributeHeadVersion, TrainConfig, TrainEpoch, TrainJob, TrainJobConfig } from '@sightline/contracts';
import { cropImageJpeg, decodeImageRgb } from '@sightline/media';
import { buildFeatureCache, headToOnnx, SHARED_FEATURES, trainHead, type AttributeHeadSpec, type CenterNetDetector, type FeatureCacheResult } from '@sightline/models';
import { loadTrainOps, type HeadArchitecture, type TrainOps } from '@sightline/native';
import type { HawkLabelsClient } from '../clients/hawk-labels.client.ts';
import { attributeLabels } from './attribute-labels.ts';
import { expandGrid, parseTrainConfig, TrainConfigError } from './train-config.ts';
import { fetchFrame, headName, loadProjectLabels, splitDataset, TrainingInputError, type ProjectLabels } from './training-dataset.ts';
import type { TrainingRepository } from './training.repository.ts';

export interface TrainingServiceOptions {
  repo: TrainingRepository;
  /** Hawk's API (SCOUTER_HAWK_URL + SCOUTER_HAWK_TOKEN): the approved labels and their frames. */
  hawk: HawkLabelsClient;
  /** Folder of the frames fetched from Hawk, each named by its content (their features stay cached). */
  framesDir: string;
  /** Folder of per-frame feature files. */
  cacheDir: string;
  /** The shared-feature detector (CenterNet fetching its feature map), created on first use. */
  detector: () => Promise<CenterNetDetector>;
  ops?: TrainOps;
  /** A running job whose worker has not beaten for this long is failed (default 10 min). */
  staleAfterMs?: number;
}

export interface JobProgress {
  job: TrainJob;
  phase: 'features' | 'epoch';
  epoch?: TrainEpoch;
  framesDone?: number;
  framesTotal?: number;
}

function architecture(c: TrainJobConfig): HeadArchitecture {
  if (c.head === 'linear') return { kind: 'linear' };
  if (c.head === 'mlp') return { kind: 'mlp', hidden: c.hidden, dropout: c.dropout };
  return { kind: 'conv', filters: c.filters, dropout: c.dropout };
}

export class TrainingService {
  private readonly ops: TrainOps;
  private readonly features = new Map<string, { data: ProjectLabels; cache: FeatureCacheResult }>();

  constructor(private readonly o: TrainingServiceOptions) {
    this.ops = o.ops ?? loadTrainOps();
  }

  /** Validates the config against the schema and the Hawk project, then queues its grid. */
  async queue(input: unknown): Promise<TrainJob[]> {
    const config: TrainConfig = parseTrainConfig(input);
    const project = await this.o.hawk.project(config.project);
    if (!project) throw new TrainConfigError([`project: Hawk has no project ${JSON.stringify(config.project)} that the Hawk API token's user may see`]);
    const jobs = expandGrid(config);
    for (const attribute of config.attributes) {
      const labels = attributeLabels(project.labelSchema, attribute, config.classes);
      if (typeof labels === 'string') throw new TrainConfigError([`attributes: ${labels}`]);
      headName(attribute);
    }
    return this.o.repo.enqueue(randomUUID(), jobs.map((config) => ({ name: headName(config.attribute), config })));
  }

  /**
   * Claims and runs the next queued job (of `gridId` when given); undefined when none is queued.
   * Never throws for a job's own failure: the job row says failed, with the reason.
   */
  async runNext(worker: string, onProgress?: (p: JobProgress) => void, gridId?: string, signal?: AbortSignal): Promise<TrainJob | undefined> {
    const job = await this.o.repo.claim(worker, this.o.staleAfterMs ?? 600_000, gridId);
    if (!job) return undefined;
    const epochs: TrainEpoch[] = [];
    try {
      const c = job.config;
      const { data, cache } = await this.featuresFor(c, (done, total) => onProgress?.({ job, phase: 'features', framesDone: done, framesTotal: total }));
      const split = splitDataset(data, cache, c);
      const dataset = { trainBoxes: split.train.labels.length, validationBoxes: split.validation.labels.length, classCounts: split.classCounts, frames: data.frames.length, featureSecondsPerFrame: cache.secondsPerComputedFrame, featureFramesComputed: cache.computedFrames, split: c.validation.by };
      if ((await this.o.repo.progress(job.id, worker, 0, epochs, dataset)).cancel) return await this.stop(job, worker, epochs);
      let cancelled = false;
      const result = await trainHead({
        ops: this.ops,
        input: { side: cache.side, channels: cache.channels },
        labels: split.labels,
        train: split.train,
        validation: split.validation,
        architecture: architecture(c),
        optimizer: c.optimizer === 'sgd' ? { kind: 'sgd', lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay } : { kind: 'adam', lr: c.lr, weightDecay: c.weightDecay },
        epochs: c.epochs,
        batchSize: c.batchSize,
        seed: c.seed,
        classWeighting: c.classWeighting,
        onEpoch: async (s) => {
          epochs.push(s);
          onProgress?.({ job, phase: 'epoch', epoch: s });
          if (signal?.aborted) return false;
          const { cancel } = await this.o.repo.progress(job.id, worker, s.epoch / c.epochs, epochs);
          // Let socket.io and HTTP breathe between epochs when this runs inside the service.
          await new Promise((r) => setImmediate(r));
          cancelled = cancel;
          return !cancel;
        },
      });
      if (signal?.aborted) throw new Error('the worker stopped (shutdown) before the job finished; no head was stored');
      if (cancelled) return await this.stop(job, worker, epochs);
      const boxById = new Map(data.boxes.map((b) => [b.boxId, [...b.xyxy]]));
      const spec: AttributeHeadSpec = { name: job.name, labels: split.labels, model: `${job.name}.onnx`, outputSize: cache.side, channels: cache.channels, featureStride: SHARED_FEATURES.featureStride };
      await this.o.repo.finish(job.id, worker, epochs, {
        name: job.name,
        labels: split.labels,
        spec,
        onnx: headToOnnx(result.network, job.name),
        config: c,
        // Each wrong box keeps where it was, so the page can show the crop the head got wrong.
        metrics: { ...result.metrics, wrong: result.metrics.wrong.map((w) => ({ ...w, ...(boxById.get(w.boxId) ? { xyxy: boxById.get(w.boxId)! } : {}) })) },
        boxIds: { train: split.train.boxIds, validation: split.validation.boxIds },
      });
    } catch (err) {
      const message = err instanceof TrainingInputError || err instanceof TrainConfigError ? err.message : `${(err as Error).message ?? String(err)}`;
      await this.o.repo.end(job.id, worker, 'failed', message, epochs);
    }
    return this.o.repo.get(job.id);
  }

  private async stop(job: TrainJob, worker: string, epochs: TrainEpoch[]): Promise<TrainJob | undefined> {
    await this.o.repo.end(job.id, worker, 'cancelled', null, epochs);
    return this.o.repo.get(job.id);
  }

  /** Pooled features of the project's approved boxes, computed once per project and ROI size in this process. */
  private async featuresFor(c: TrainJobConfig, onFrame: (done: number, total: number) => void): Promise<{ data: ProjectLabels; cache: FeatureCacheResult }> {
    const data = await loadProjectLabels(this.o.hawk, c.project, this.o.framesDir);
    const key = `${data.project.id}:${c.roiSize}:${JSON.stringify(data.frames.map((f) => [f.imagePath, Array.from(f.boxesXyxy)]))}`;
    const hit = this.features.get(key);
    if (hit) return hit;
    const detector = await this.o.detector();
    const cache = await buildFeatureCache(detector, data.frames, {
      roiSize: c.roiSize,
      cacheDir: this.o.cacheDir,
      loadFrame: (path) => decodeImageRgb(path),
      onFrame,
    });
    const entry = { data, cache };
    this.features.clear();
    this.features.set(key, entry);
    return entry;
  }

  /**
   * The index-th box a finished job's head got wrong, cut from its Hawk frame as a JPEG; undefined
   * when the job or the box does not exist (or the job predates stored boxes).
   */
  async wrongCrop(jobId: number, index: number): Promise<Buffer | undefined> {
    const job = await this.o.repo.get(jobId);
    const wrong = job?.metrics?.wrong[index];
    if (!wrong?.xyxy) return undefined;
    const [videoId, frame] = wrong.boxId.split(':').map(Number);
    if (!Number.isInteger(videoId) || !Number.isInteger(frame)) return undefined;
    const path = await fetchFrame(this.o.hawk, this.o.framesDir, videoId!, frame!);
    if (!path) return undefined; // the video was deleted from Hawk since
    return cropImageJpeg(path, wrong.xyxy, { height: 128 });
  }

  list(): Promise<TrainJob[]> {
    return this.o.repo.list();
  }

  cancel(id: number): Promise<TrainJob | undefined> {
    return this.o.repo.requestCancel(id);
  }

  heads(name?: string): Promise<AttributeHeadVersion[]> {
    return this.o.repo.heads(name);
  }

  /** Deploys `version` of `name` (false when there is no such version). Pipelines reload on the NOTIFY. */
  deploy(name: string, version: number): Promise<boolean> {
    return this.o.repo.deploy(name, version);
  }

  model(name: string, version: number) {
    return this.o.repo.model(name, version);
  }

  /** Deploys the version below the deployed one; returns it, undefined when there is none. */
  async rollback(name: string): Promise<number | undefined> {
    const previous = await this.o.repo.previousVersion(name);
    if (previous === undefined) return undefined;
    await this.o.repo.deploy(name, previous);
    return previous;
  }
}
