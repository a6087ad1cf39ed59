import type { AttributeHeadSpec, ModelBackend } from '@sightline/models';
import type { DetectionsMessage, Frame } from '@sightline/vision';
// Messages between the main thread and the inference thread (inference.worker.ts). Frames are
// packages/vision's Frame and detections its DetectionsMessage (real scores, classes and tracker
// ids); frame bytes travel as transferred buffers both ways; `id` pairs an answer with its request.

export type InferenceRequest =
  | { type: 'load-detector'; id: number; key: string; options: { model: string; scoreThreshold: number; threads: number; classIds?: number[] } }
  /**
   * `features`: keep this pass's feature map in the thread for the frame's trained heads (see
   * `featureId`). `embed`: the appearance cue: the pass fetches the map (at the frame's own input
   * shape, so the boxes are those of a plain pass; at the heads' shape when `features` is set too)
   * and each box gets an embedding (Float32Array) in the `embedding` data column.
   */
  | { type: 'detect'; id: number; key: string; frame: Frame; features?: boolean; embed?: boolean }
  | { type: 'load-attributes'; id: number; threads: number }
  | {
      type: 'attributes';
      id: number;
      threads: number;
      /** One pipeline run: its tracks' smoothed attributes live under this key. */
      session: string;
      frameNumber: number;
      frame: Frame;
      /** The tracked boxes, as the tracker gave them. */
      detections: DetectionsMessage;
    }
  | { type: 'end-session'; id: number; session: string }
  | { type: 'backends'; id: number }
  /** A trained head version (replaces the loaded version of that name: hot swap). */
  | { type: 'load-head'; id: number; name: string; version: number; spec: TrainedHeadSpec; onnx: Uint8Array; threads: number }
  /** Trained heads on tracked boxes, ROI-aligned on the feature map kept by the frame's detect pass (`featureId`); frees that map. */
  | { type: 'head-attributes'; id: number; names: string[]; featureId: number; detections: DetectionsMessage }
  | { type: 'release'; id: number };

/** A loaded detector: whether its passes can keep the shared feature map trained heads pool from, and a map for the appearance cue. */
export interface LoadDetectorAnswer {
  id: number;
  ok: true;
  hasFeatures: boolean;
  /** Whether a pass can also give a map the appearance cue pools. */
  hasAppearanceMap: boolean;
}

export interface DetectAnswer {
  id: number;
  ok: true;
  /** The request's frame, handed back. */
  frame: Frame;
  detections: DetectionsMessage;
  /** Milliseconds the network pass alone took (letterbox, decode and the thread hop not counted). */
  networkMs: number;
  /** Present when the pass's feature map was kept: pass it to 'head-attributes'. */
  featureId?: number;
}

/** One box's smoothed face attributes, or null while its track has no face observation. */
export interface FaceSummary {
  ageYears: number;
  gender: 'male' | 'female';
  genderConfidence: number;
  observations: number;
}

export interface AttributeAnswer {
  id: number;
  ok: true;
  frame: Frame;
  faces: (FaceSummary | null)[];
}

/** Which engine runs each network loaded in the thread (see select-backend.ts in packages/models). */
export interface BackendsAnswer {
  id: number;
  ok: true;
  backends: ModelBackend[];
  /** Network passes per model since the thread started. */
  runs: Record<string, number>;
  /** Networks that gather frames of several cameras into one pass (frame-batcher.ts), by model. */
  batches: Record<string, BatchStats>;
}

/** A network's batch policy and how many passes ran with each number of frames. */
export interface BatchStats {
  maxBatch: number;
  maxWaitMs: number;
  passesBySize: Record<number, number>;
}


/** The card of a trained head. */
export type TrainedHeadSpec = AttributeHeadSpec;

/** Per head: the version that ran and [boxes, labels] probabilities; absent when not loaded or the frame's feature map was not kept. */
export interface HeadAttributeAnswer {
  id: number;
  ok: true;
  heads: Record<string, { version: number; labels: string[]; probabilities: Float32Array }>;
}


export type WorkerReply = LoadDetectorAnswer | DetectAnswer | AttributeAnswer | BackendsAnswer | HeadAttributeAnswer | { id: number; ok: true } | { id: number; ok: false; error: string };
