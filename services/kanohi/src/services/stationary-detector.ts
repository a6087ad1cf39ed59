/** A stretch of time in which one track stayed put: written to floor_stationary_spans. */
export interface StationarySpan {
  readonly cameraId: number;
  readonly trackId: number;
  readonly floorId: number;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly xyM: readonly [number, number];
}

interface TrackState {
  anchor: [number, number];
  sinceMs: number;
  lastMs: number;
}

/**
 * Finds detections that never move: a track whose floor samples all stay within `radiusM` of where
 * the stretch began for at least `minMs` is stationary (a poster, a mannequin, a false positive on
 * the grass); the span grows while it keeps still and ends when it moves. People who walk are never
 * flagged; someone who stands still for minutes is, which is what a heatmap of where people go wants.
 * @example const d = new StationaryDetector({ radiusM: 0.5, minMs: 120_000 }); d.add(sample) // -> span once still for 2 min
 */
export class StationaryDetector {
  private readonly tracks = new Map<string, TrackState>();

  constructor(private readonly options: { radiusM: number; minMs: number; forgetAfterMs?: number }) {}

  /**
   * Adds samples (time order per track); returns the spans that started or grew, one per track
   * (its latest extent), for the caller to upsert.
   */
  add(samples: readonly { floorId: number; cameraId: number; trackId: number; timeMs: number; xyM: readonly [number, number] }[]): StationarySpan[] {
    const grown = new Map<string, StationarySpan>();
    let latest = 0;
    for (const s of samples) {
      const key = `${s.cameraId}:${s.trackId}`;
      latest = Math.max(latest, s.timeMs);
      let state = this.tracks.get(key);
      if (!state || Math.hypot(s.xyM[0] - state.anchor[0], s.xyM[1] - state.anchor[1]) > this.options.radiusM) {
        // It moved (or is new): a new stretch starts here.
        state = { anchor: [s.xyM[0], s.xyM[1]], sinceMs: s.timeMs, lastMs: s.timeMs };
        this.tracks.set(key, state);
        continue;
      }
      state.lastMs = Math.max(state.lastMs, s.timeMs);
      if (state.lastMs - state.sinceMs >= this.options.minMs) {
        grown.set(key, { cameraId: s.cameraId, trackId: s.trackId, floorId: s.floorId, startedAt: new Date(state.sinceMs), endedAt: new Date(state.lastMs), xyM: state.anchor });
      }
    }
    const forgetBefore = latest - (this.options.forgetAfterMs ?? 60_000);
    for (const [key, state] of this.tracks) if (state.lastMs < forgetBefore) this.tracks.delete(key);
    return [...grown.values()];
  }
}
