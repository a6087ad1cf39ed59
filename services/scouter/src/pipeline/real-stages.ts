import type { DetectSpec, SourceSpec, TrackSpec } from '@sightline/flow';
import { decodeVideoFrames, probeVideoStream } from '@sightline/media';
import { CenterNetDetector, COCO_LABELS } from '@sightline/models';
import { ByteTracker, SortTracker } from '@sightline/vision';
import { fileURLToPath } from 'node:url';
import { FfmpegJpegEncoder } from './jpeg-encoder.ts';
import type { Detector, PipelineStages, RgbFrame } from './stages.ts';

/** ffmpeg input for a camera URI: a plain path for files (percent-escapes decoded), the URL otherwise. */
export function ffmpegInput(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/**
 * Decodes a camera at about its configured rate: ffmpeg keeps every N-th source frame, N being the
 * source rate over the camera's (1 when the source is slower or does not say).
 */
export async function* openCameraSource(source: SourceSpec, signal: AbortSignal): AsyncGenerator<RgbFrame> {
  const input = ffmpegInput(source.uri);
  const info = await probeVideoStream(input);
  const every = info.fps && info.fps > source.fps ? Math.max(1, Math.round(info.fps / source.fps)) : 1;
  let index = 0;
  for await (const frame of decodeVideoFrames(input, { every, info, signal })) {
    yield { rgb: frame.data, width: frame.width, height: frame.height, index: index++ };
  }
}

/** Serialises calls: one network pass at a time uses every inference thread, cameras take turns. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
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

/**
 * The production stages: ffmpeg decode (packages/media), CenterNet on onnxruntime (packages/models,
 * one session per detector settings shared by every camera, calls serialised), ByteTrack or SORT
 * (packages/vision), JPEG previews through a persistent ffmpeg encoder.
 */
export function createRealStages(options: { inferenceThreads: number }): PipelineStages & { release(): Promise<void> } {
  const detectors = new Map<string, Promise<CenterNetDetector>>();
  const mutex = new Mutex();
  return {
    openSource: openCameraSource,
    async loadDetector(spec: DetectSpec): Promise<Detector> {
      if (spec.model !== 'centernet') throw new Error(`unknown detector model "${spec.model}"; this Scouter has: centernet`);
      const classIds = classIdsOf(spec);
      const key = JSON.stringify([spec.model, classIds ?? null, spec.scoreThreshold]);
      let loading = detectors.get(key);
      if (!loading) {
        loading = CenterNetDetector.create({ scoreThreshold: spec.scoreThreshold, threads: options.inferenceThreads, ...(classIds ? { classIds } : {}) });
        detectors.set(key, loading);
        loading.catch(() => detectors.delete(key));
      }
      const detector = await loading;
      return {
        className: (classId) => COCO_LABELS[classId] ?? `class-${classId}`,
        detect: (frame) => mutex.run(() => detector.detect({ data: frame.rgb, width: frame.width, height: frame.height, format: 'rgb24' })),
      };
    },
    createTracker(spec: TrackSpec, fps: number) {
      return spec.tracker === 'sort' ? new SortTracker() : new ByteTracker({ frameRate: fps });
    },
    createJpegEncoder: () => new FfmpegJpegEncoder(),
    async release() {
      for (const loading of detectors.values()) await (await loading.catch(() => undefined))?.release();
      detectors.clear();
    },
  };
}
