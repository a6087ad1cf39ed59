import type { DetectSpec, SourceSpec, TrackSpec, AttributesSpec } from '@sightline/flow';
import type { Affine, Detections, VideoFrame } from '@sightline/vision';

/** Opens a camera's stream; the iterable ends when a file ends and throws when a stream fails. Aborting `signal` stops the decoder. */
export type OpenSource = (source: SourceSpec, signal: AbortSignal) => AsyncIterable<VideoFrame>;

/**
 * What a stage that may move the frame's pixels to another thread returns: its result and the
 * frame to use from then on (the one passed in may be detached).
 */
export interface StageResult {
  readonly detections: Detections;
  readonly frame: VideoFrame;
}

/** A loaded detector: boxes in frame pixels, already filtered to the spec's classes and score. */
export interface Detector {
  /** Class name of each class id the detector returns. */
  className(classId: number): string;
  detect(frame: VideoFrame): Promise<StageResult>;
}

/** `tracker.update(detections)` -> the same boxes with tracker ids (a fresh tracker per run). */
export interface Tracker {
  /** `elapsed`: frames since the previous update (skipped or dropped frames make it more than 1). */
  update(detections: Detections, elapsed?: number): Detections;
  /** Camera-motion compensation before the next `update`, where the tracker has it (bytetrack). */
  compensate?(m: Affine): void;
}

/** Adds one data column per head (values `{ value, confidence }` or undefined) to tracked detections; one estimator per pipeline run. */
export interface AttributeEstimator {
  estimate(frame: VideoFrame, detections: Detections): Promise<StageResult>;
  /** Forgets the run's per-track state. */
  release?(): void;
}

/** Encodes a frame to JPEG for the live preview (scaled down to `maxWidth` when given and smaller). */
export interface JpegEncoder {
  encode(frame: VideoFrame, maxWidth?: number): Promise<Buffer>;
  close(): void;
}

/** The stage implementations a pipeline runs; the worker passes the real ones, benchmarks may swap one. */
export interface PipelineStages {
  readonly openSource: OpenSource;
  /**
   * `attributes`: the heads the same pipeline will run (a detector may prepare for them, e.g. keep
   * its feature map); `track`: the pipeline's tracking (with the appearance cue, the detector adds
   * an embedding per box from its own feature map).
   */
  readonly loadDetector: (spec: DetectSpec, attributes?: AttributesSpec, track?: TrackSpec) => Promise<Detector>;
  readonly createTracker: (spec: TrackSpec, fps: number, detectorModel: string) => Tracker;
  readonly loadAttributes?: (spec: AttributesSpec) => Promise<AttributeEstimator>;
  readonly createJpegEncoder?: () => JpegEncoder;
}
