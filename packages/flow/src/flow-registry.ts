import type { TrackSpec } from './pipeline-spec.ts';

/** The functions the flow language knows; a registry may offer a subset. */
export const FLOW_FUNCTIONS = ['detect', 'track', 'attributes'] as const;
export type FlowFunction = (typeof FLOW_FUNCTIONS)[number];

export type TrackerName = TrackSpec['tracker'];

/**
 * What a flow may name: Scouter passes the models and heads it can actually load, so a flow is
 * checked against the running system rather than a fixed list.
 */
export interface FlowRegistry {
  /** Detector models for `detect(frame, model='...')`; the first is the default. */
  readonly models: readonly string[];
  /** Attribute heads for `attributes(s, heads=[...])`. */
  readonly heads: readonly string[];
  readonly functions: readonly FlowFunction[];
  /** Trackers for `track(d, tracker='...')`; `bytetrack` is the default when offered, else the first. */
  readonly trackers: readonly TrackerName[];
}

/** The models, heads, functions and trackers a stock Sightline installation ships. */
export const defaultFlowRegistry: FlowRegistry = Object.freeze({
  models: Object.freeze(['centernet']),
  heads: Object.freeze(['age', 'gender', 'emotion']),
  functions: Object.freeze([...FLOW_FUNCTIONS]),
  trackers: Object.freeze(['bytetrack', 'sort'] as TrackerName[]),
});

/** Detections scoring below this are dropped unless the flow says `WHERE score >= x`. */
export const DEFAULT_SCORE_THRESHOLD = 0.3;

/** Frames per second decoded when a source gives no `fps`. */
export const DEFAULT_FPS = 10;
