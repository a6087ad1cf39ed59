/**
 * What the planner produces from a flow and Scouter runs: one pipeline per camera source,
 * decode -> detect -> track -> attributes -> sinks. Flows stored over HTTP are planned into this
 * shape; Scouter's pipeline runner never sees flow syntax.
 */
export interface PipelineSpec {
  /** The flow stream that this pipeline materialises (e.g. `people_attrs`). */
  readonly name: string;
  readonly source: SourceSpec;
  readonly detect: DetectSpec;
  /** Absent: detections are published without tracker ids. */
  readonly track?: TrackSpec;
  /** Absent: no attribute heads run. */
  readonly attributes?: AttributesSpec;
  /** Where results go: `postgres` (tracks + observations tables) and/or `live` (socket.io). */
  readonly sinks: readonly SinkName[];
}

export type SourceType = 'video' | 'rtsp' | 'http';

export interface SourceSpec {
  /** Camera name, unique (the `cameras.name` column). */
  readonly name: string;
  readonly type: SourceType;
  /** `file:///path/to/video.mp4`, `rtsp://...`, `http(s)://...` (MJPEG or HLS). */
  readonly uri: string;
  /** Frames per second to decode (ffmpeg drops or duplicates to reach it). */
  readonly fps: number;
  /** Files only: start again at the end. */
  readonly loop: boolean;
}

export interface DetectSpec {
  /** Model registry name, e.g. `centernet`. */
  readonly model: string;
  /** Class names to keep (e.g. `['person']`); empty keeps every class. */
  readonly classes: readonly string[];
  /** Minimum detection score in [0, 1]. */
  readonly scoreThreshold: number;
  /**
   * Which frames the detector sees. N: every N-th frame, the tracker's boxes fill the frames
   * between. 'auto' (the default when the stream is tracked): every frame the engine has time for;
   * on a live camera a frame that waited half a frame interval or more behind a busy engine gets
   * the tracker's predicted boxes instead of being dropped. 1: every frame, and a busy engine drops
   * frames (newest wins). Untracked streams detect every frame.
   */
  readonly every?: number | 'auto';
}

export interface TrackSpec {
  readonly tracker: 'bytetrack' | 'sort';
  /**
   * Camera-motion compensation (`track(..., motion='auto'|'off')`): `auto` estimates the camera's
   * motion between frames and moves the tracks with it before association; `off` takes the camera
   * to be still. Absent: `auto` for bytetrack (a still camera estimates as no motion); sort never
   * compensates.
   */
  readonly motion?: TrackMotion;
  /**
   * The appearance cue (`track(..., appearance='on'|'off')`): `on` pools an embedding per box from
   * the detector's own feature map of the same pass and lets the tracker match by look as well as
   * by overlap; `off` matches boxes alone. Absent: on for bytetrack where the detector has a map for
   * it (centernet, nanodet, a card naming its `appearance` output), else off; sort never uses it.
   */
  readonly appearance?: TrackAppearance;
}

export type TrackMotion = 'auto' | 'off';
export type TrackAppearance = 'on' | 'off';

/** Whether a pipeline's tracker compensates camera motion: bytetrack unless `motion='off'`; never sort. */
export function compensatesCameraMotion(track: TrackSpec): boolean {
  return track.tracker === 'bytetrack' && track.motion !== 'off';
}

/**
 * Whether a pipeline's tracker uses the appearance cue: bytetrack unless `appearance='off'`, when
 * the detector has a shared feature map (an explicit 'on' with a detector without one is an error
 * where the pipeline loads); never sort.
 */
export function usesAppearance(track: TrackSpec): boolean {
  return track.tracker === 'bytetrack' && track.appearance !== 'off';
}

export interface AttributesSpec {
  /** Attribute head names, e.g. `['age', 'gender']`. */
  readonly heads: readonly string[];
}

export type SinkName = 'postgres' | 'live';
