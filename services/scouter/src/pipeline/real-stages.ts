import type { AttributeValue } from '@sightline/contracts';
import type { AttributesSpec, DetectSpec, SourceSpec, TrackSpec } from '@sightline/flow';
import { decodeVideoFrames, probeVideoStream } from '@sightline/media';
import { COCO_LABELS, modelCard, type ModelBackend } from '@sightline/models';
import { ByteTracker, SortTracker, type VideoFrame } from '@sightline/vision';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { InferenceThread } from './inference-thread.ts';
import { FfmpegJpegEncoder } from './jpeg-encoder.ts';
import type { AttributeEstimator, Detector, PipelineStages } from './stages.ts';
import { TrainedHeads, type DeployedHeadSource } from './trained-heads.ts';

/** ffmpeg input for a camera URI: a plain path for files (percent-escapes decoded), the URL otherwise. */
export function ffmpegInput(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/**
 * Decodes a camera at about its configured rate: ffmpeg keeps every N-th source frame, N being the
 * source rate over the camera's (1 when the source is slower or does not say). A looping file is
 * reopened at once with the stream facts already known (no second ffprobe), so the iteration
 * never ends and the pipeline's pacing clock runs on without a gap.
 */
export async function* openCameraSource(source: SourceSpec, signal: AbortSignal): AsyncGenerator<VideoFrame> {
  const input = ffmpegInput(source.uri);
  const info = await probeVideoStream(input);
  const every = info.fps && info.fps > source.fps ? Math.max(1, Math.round(info.fps / source.fps)) : 1;
  const loop = source.type === 'video' && source.loop;
  let index = 0;
  while (!signal.aborted) {
    const before = index;
    for await (const frame of decodeVideoFrames(input, { every, info, signal })) {
      yield { ...frame, index: index++ };
    }
    if (!loop || index === before) return;
  }
}

function classIdsOf(spec: DetectSpec): number[] | undefined {
  if (spec.classes.length === 0) return undefined;
  return spec.classes.map((name) => {
    const id = COCO_LABELS.indexOf(name);
    if (id < 0) throw new Error(`class "${name}" is not one of centernet's COCO classes (e.g. person, car, bicycle)`);
    return id;
  });
}

/** Attribute heads this Scouter can run: face age and gender (BlazeFace + AgeGenderNet, smoothed per track). */
export const ATTRIBUTE_HEADS = ['age', 'gender'] as const;

/** Detector models this Scouter can run. */
export const DETECTOR_MODELS = ['centernet'] as const;

/** What the production stages offer beyond PipelineStages: the shared inference thread and its report. */
export interface RealStagesExtras {
  /** The process's one inference thread (started on first use); pre-labeling shares it with the cameras. */
  inference(): InferenceThread;
  /** Which engine runs each network loaded so far. */
  models(): ModelBackend[];
  /** Trained attribute heads (when deployed heads are known to this Scouter), refreshed on deploy. */
  trainedHeads?: TrainedHeads;
  release(): Promise<void>;
}

/**
 * The production stages: ffmpeg decode (packages/media); CenterNet and the face attribute networks
 * (packages/models) on one inference thread of this process, shared by every camera; ByteTrack or
 * SORT (packages/vision) on the main thread; JPEG previews through a persistent ffmpeg encoder.
 */
export function createRealStages(options: { inferenceThreads: number; log?: (message: string) => void; deployedHeads?: DeployedHeadSource }): PipelineStages & RealStagesExtras {
  let thread: InferenceThread | undefined;
  const inference = () => (thread ??= new InferenceThread());
  // Any other head name is a trained head, loaded from its deployed version.
  const trained = options.deployedHeads ? new TrainedHeads(options.deployedHeads, inference, options.inferenceThreads) : undefined;
  let models: ModelBackend[] = [];
  // After each load: which engine runs each network, told once per model.
  const noteModels = async () => {
    const now = await inference().backends();
    for (const m of now) {
      if (!models.some((old) => old.model === m.model && old.backend === m.backend)) options.log?.(`model ${m.model} runs on ${m.backend} (SIGHTLINE_BACKEND ${m.choice}: ${m.reason})`);
    }
    models = now;
  };
  return {
    inference,
    models: () => models,
    openSource: openCameraSource,
    async loadDetector(spec: DetectSpec): Promise<Detector> {
      if (!(DETECTOR_MODELS as readonly string[]).includes(spec.model)) throw new Error(`unknown detector model "${spec.model}"; this Scouter has: ${DETECTOR_MODELS.join(', ')}`);
      const classIds = classIdsOf(spec);
      const key = JSON.stringify([spec.model, classIds ?? null, spec.scoreThreshold]);
      await inference().loadDetector(key, { scoreThreshold: spec.scoreThreshold, threads: options.inferenceThreads, ...(classIds ? { classIds } : {}) });
      await noteModels();
      return {
        className: (classId) => COCO_LABELS[classId] ?? `class-${classId}`,
        detect: (frame) => inference().detect(key, frame),
      };
    },
    createTracker(spec: TrackSpec, fps: number, detectorModel: string) {
      // ByteTrack's score thresholds follow the detector's calibration (see the model card). Live
      // output cannot be written late, so a track is reported from its 3rd match (not 6 + hand-back).
      return spec.tracker === 'sort' ? new SortTracker() : new ByteTracker({ frameRate: fps, minHits: 3, ...modelCard(detectorModel).trackerScores });
    },
    async loadAttributes(spec: AttributesSpec): Promise<AttributeEstimator> {
      const faceHeads = spec.heads.filter((h) => (ATTRIBUTE_HEADS as readonly string[]).includes(h));
      const trainedNames = spec.heads.filter((h) => !faceHeads.includes(h));
      if (trainedNames.length > 0 && !trained) throw new Error(`attribute head${trainedNames.length > 1 ? 's' : ''} ${trainedNames.join(', ')} not available; this Scouter has: ${ATTRIBUTE_HEADS.join(', ')}`);
      if (trainedNames.length > 0) {
        await trained!.ensure(trainedNames);
        await noteModels();
      }
      const estimators: AttributeEstimator[] = [];
      if (faceHeads.length > 0) {
        await inference().loadAttributes(options.inferenceThreads);
        await noteModels();
        estimators.push(faceAttributeEstimator(inference(), options.inferenceThreads, faceHeads));
      }
      if (trainedNames.length > 0) estimators.push(trained!.estimator(trainedNames));
      if (estimators.length === 1) return estimators[0]!;
      return {
        async estimate(frame, detections) {
          let result = { detections, frame };
          for (const e of estimators) result = await e.estimate(result.frame, result.detections);
          return result;
        },
        release: () => estimators.forEach((e) => e.release?.()),
      };
    },
    createJpegEncoder: () => new FfmpegJpegEncoder(),
    ...(trained ? { trainedHeads: trained } : {}),
    async release() {
      const t = thread;
      thread = undefined;
      await t?.close();
    },
  };
}

/**
 * Age and gender per tracked person, one smoothing session per pipeline run. Age confidence grows
 * with the number of face observations folded in (n / (n + 2)); gender confidence is the
 * smoother's agreement-weighted one. Boxes whose track has no face yet get no value.
 */
function faceAttributeEstimator(thread: InferenceThread, threads: number, heads: readonly string[]): AttributeEstimator {
  const session = randomUUID();
  let frameNumber = 0;
  return {
    async estimate(frame, detections) {
      const { faces, frame: back } = await thread.attributes(session, threads, frameNumber++, frame, detections);
      const columns: Record<string, (AttributeValue | undefined)[]> = {};
      for (const head of heads) {
        columns[head] = faces.map((f) => {
          if (!f) return undefined;
          if (head === 'age') return { value: Math.round(f.ageYears * 10) / 10, confidence: round3(f.observations / (f.observations + 2)) };
          return { value: f.gender, confidence: round3(f.genderConfidence) };
        });
      }
      let out = detections;
      for (const [head, values] of Object.entries(columns)) out = out.withData(head, values);
      return { detections: out, frame: back };
    },
    release: () => thread.endSession(session),
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
