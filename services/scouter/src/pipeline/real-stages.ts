import type { AttributeValue } from '@sightline/contracts';
import { usesAppearance, type AttributesSpec, type DetectSpec, type SourceSpec, type TrackSpec } from '@sightline/flow';
import { decodeVideoFrames, probeVideoStream } from '@sightline/media';
import type { ModelBackend } from '@sightline/models';
import { AppearanceTracker, ByteTracker, SortTracker, type VideoFrame } from '@sightline/vision';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { builtInDetectors, REGISTRY_DETECTORS, type DetectorCatalogue } from './detector-catalogue.ts';
import { InferenceThread } from './inference-thread.ts';
import type { BatchStats } from './inference-protocol.ts';
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

function classIdsOf(spec: DetectSpec, labels: readonly string[]): number[] | undefined {
  if (spec.classes.length === 0) return undefined;
  return spec.classes.map((name) => {
    const id = labels.indexOf(name);
    if (id < 0) throw new Error(`class "${name}" is not one of ${spec.model}'s classes (${labels.slice(0, 6).join(', ')}${labels.length > 6 ? ', ...' : ''})`);
    return id;
  });
}

/** Attribute heads this Scouter can run: face age and gender (BlazeFace + AgeGenderNet, smoothed per track). */
export const ATTRIBUTE_HEADS = ['age', 'gender'] as const;

/** The heads of a spec that are trained heads (every name that is not a face head). */
function trainedHeadNames(spec: AttributesSpec | undefined): string[] {
  return (spec?.heads ?? []).filter((h) => !(ATTRIBUTE_HEADS as readonly string[]).includes(h));
}

/** Detector models every Scouter can run (SCOUTER_DETECTOR_CARDS adds the cards' models). */
export const DETECTOR_MODELS = REGISTRY_DETECTORS;

/** What the production stages offer beyond PipelineStages: the shared inference thread and its report. */
export interface RealStagesExtras {
  /** The process's one inference thread (started on first use); pre-labeling shares it with the cameras. */
  inference(): InferenceThread;
  /** Which engine runs each network loaded so far. */
  models(): ModelBackend[];
  /** Networks that gather frames of several cameras into one pass, with passes per batch size (none before the thread starts). */
  batches(): Promise<Record<string, BatchStats>>;
  /** Trained attribute heads (when deployed heads are known to this Scouter), refreshed on deploy. */
  trainedHeads?: TrainedHeads;
  release(): Promise<void>;
}

/**
 * The production stages: ffmpeg decode (packages/media); CenterNet and the face attribute networks
 * (packages/models) on one inference thread of this process, shared by every camera; ByteTrack or
 * SORT (packages/vision) on the main thread; JPEG previews through a persistent ffmpeg encoder.
 */
export function createRealStages(options: { inferenceThreads: number; log?: (message: string) => void; deployedHeads?: DeployedHeadSource; detectors?: DetectorCatalogue }): PipelineStages & RealStagesExtras {
  const catalogue = options.detectors ?? builtInDetectors;
  let thread: InferenceThread | undefined;
  const inference = () => (thread ??= new InferenceThread());
  // Any other head name is a trained head, loaded from its deployed version.
  const trained = options.deployedHeads ? new TrainedHeads(options.deployedHeads, inference, options.inferenceThreads) : undefined;
  // A frame whose detector pass kept its feature map in the thread -> that map's id, read by the
  // trained heads' estimator of the same pipeline (the detector hands the frame straight to it).
  const featureIds = new WeakMap<VideoFrame, number>();
  let models: ModelBackend[] = [];
  // After each load: which engine runs each network, told once per model.
  const gathering = new Set<string>();
  const noteModels = async () => {
    const now = await inference().backends();
    for (const m of now) {
      if (!models.some((old) => old.model === m.model && old.backend === m.backend)) options.log?.(`model ${m.model} runs on ${m.backend} (SIGHTLINE_BACKEND ${m.choice}: ${m.reason})`);
    }
    models = now;
    for (const [model, b] of Object.entries(await inference().batches())) {
      if (gathering.has(model)) continue;
      gathering.add(model);
      options.log?.(`model ${model} gathers frames of several cameras into one pass: up to ${b.maxBatch} frames, the first waiting at most ${b.maxWaitMs} ms (SIGHTLINE_BATCH ${process.env.SIGHTLINE_BATCH ?? 'auto'})`);
    }
  };
  return {
    inference,
    models: () => models,
    batches: async () => (thread ? thread.batches().catch(() => ({})) : {}),
    openSource: openCameraSource,
    async loadDetector(spec: DetectSpec, attributes?: AttributesSpec, track?: TrackSpec): Promise<Detector> {
      const model = catalogue.source(spec.model);
      if (!model) throw new Error(`unknown detector model "${spec.model}"; this Scouter has: ${catalogue.models.join(', ')}`);
      const labels = catalogue.classes(spec.model);
      const classIds = classIdsOf(spec, labels);
      const key = JSON.stringify([spec.model, classIds ?? null, spec.scoreThreshold]);
      const { hasFeatures, hasAppearanceMap } = await inference().loadDetector(key, { model, scoreThreshold: spec.scoreThreshold, threads: options.inferenceThreads, ...(classIds ? { classIds } : {}) });
      await noteModels();
      // With trained heads, each pass also keeps its feature map for them: one pass per frame.
      const heads = trained ? trainedHeadNames(attributes) : [];
      const withFeatures = heads.length > 0;
      if (withFeatures && !hasFeatures) throw new Error(`trained attribute heads (${heads.join(', ')}) pool the detector's shared feature map; detector "${spec.model}" has none: detect with model='centernet' in this flow`);
      // The appearance cue (track's default with bytetrack) where the detector has a map for it
      // (CenterNet's shared map, NanoDet's stride-8 map, a card's `appearance`); an explicit
      // appearance='on' without one is an error. With trained heads the pass fetches the map at the
      // heads' shape (512x512 for centernet) and the embeddings pool that same map.
      if (track?.appearance === 'on' && !hasAppearanceMap) throw new Error(`track(..., appearance='on') pools the detector's own feature map; detector "${spec.model}" names none: detect with model='centernet' or 'nanodet', give its card an "appearance" output, or use appearance='off'`);
      const embed = track !== undefined && usesAppearance(track) && hasAppearanceMap;
      return {
        className: (classId) => labels[classId] ?? `class-${classId}`,
        async detect(frame) {
          const { detections, frame: back, featureId } = await inference().detect(key, frame, { features: withFeatures, embed });
          if (featureId !== undefined) featureIds.set(back, featureId);
          return { detections, frame: back };
        },
      };
    },
    createTracker(spec: TrackSpec, fps: number, detectorModel: string) {
      // ByteTrack's score thresholds follow the detector's calibration (see the model card). Live
      // output cannot be written late, so a track is reported from its 3rd match (not 6 + hand-back).
      // With the appearance cue, the boxes' embeddings (when the detector added them) are centred
      // per camera and join the first association.
      if (spec.tracker === 'sort') return new SortTracker();
      const options = { frameRate: fps, minHits: 3, ...catalogue.trackerScores(detectorModel) };
      return usesAppearance(spec) ? new AppearanceTracker(options) : new ByteTracker(options);
    },
    async loadAttributes(spec: AttributesSpec): Promise<AttributeEstimator> {
      const faceHeads = spec.heads.filter((h) => (ATTRIBUTE_HEADS as readonly string[]).includes(h));
      const trainedNames = trainedHeadNames(spec);
      if (trainedNames.length > 0 && !trained) throw new Error(`attribute head${trainedNames.length > 1 ? 's' : ''} ${trainedNames.join(', ')} not available; this Scouter has: ${ATTRIBUTE_HEADS.join(', ')}`);
      if (trainedNames.length > 0) {
        await trained!.ensure(trainedNames);
        await noteModels();
      }
      // Trained heads first: they read the feature map kept for the very frame the detector returned.
      const estimators: AttributeEstimator[] = [];
      if (trainedNames.length > 0) estimators.push(trained!.estimator(trainedNames, (frame) => featureIds.get(frame)));
      if (faceHeads.length > 0) {
        await inference().loadAttributes(options.inferenceThreads);
        await noteModels();
        estimators.push(faceAttributeEstimator(inference(), options.inferenceThreads, faceHeads));
      }
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
