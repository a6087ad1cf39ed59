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
  /** Where and when the track was first seen, and whether every sample since stayed near there. */
  birth: [number, number];
  bornMs: number;
  stillSinceBirth: boolean;
}

export interface StationaryOptions {
  /** A stretch within `radiusM` of where it began, lasting `minMs`, is stationary (someone or something that stopped). */
  readonly radiusM: number;
  readonly minMs: number;
  /**
   * A track that never moved more than `lifeRadiusM` from where it was first seen, over a life of at
   * least `lifeMs`, is stationary from its first sample: no one walks into view and then stands
   * within a foot of that spot for its whole track (people arrive, walk, leave); a false positive on
   * the grass or a poster does. Confirmed this way long before the `minMs` of the general rule.
   */
  readonly lifeMs?: number;
  readonly lifeRadiusM?: number;
  readonly forgetAfterMs?: number;
}

/**
 * Finds detections that never move: a track whose floor samples all stay within `radiusM` of where
 * the stretch began for at least `minMs` is stationary (a poster, a mannequin, a false positive on
 * the grass); the span grows while it keeps still and ends when it moves. People who walk are never
 * flagged; someone who stands still for minutes is, which is what a heatmap of where people go wants.
 * A track still for its whole life (`lifeMs`, within `lifeRadiusM`) is confirmed sooner, from its start.
 * @example const d = new StationaryDetector({ radiusM: 0.5, minMs: 120_000 }); d.add(sample) // -> span once still for 2 min
 */
export class StationaryDetector {
  private readonly tracks = new Map<string, TrackState>();

  constructor(private readonly options: StationaryOptions) {}

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
      if (!state) {
        state = { anchor: [s.xyM[0], s.xyM[1]], sinceMs: s.timeMs, lastMs: s.timeMs, birth: [s.xyM[0], s.xyM[1]], bornMs: s.timeMs, stillSinceBirth: true };
        this.tracks.set(key, state);
        continue;
      }
      if (state.stillSinceBirth && Math.hypot(s.xyM[0] - state.birth[0], s.xyM[1] - state.birth[1]) > (this.options.lifeRadiusM ?? 0)) state.stillSinceBirth = false;
      if (Math.hypot(s.xyM[0] - state.anchor[0], s.xyM[1] - state.anchor[1]) > this.options.radiusM) {
        // It moved: a new stretch starts here.
        Object.assign(state, { anchor: [s.xyM[0], s.xyM[1]], sinceMs: s.timeMs, lastMs: s.timeMs });
        continue;
      }
      state.lastMs = Math.max(state.lastMs, s.timeMs);
      if (this.options.lifeMs !== undefined && state.stillSinceBirth && state.lastMs - state.bornMs >= this.options.lifeMs) {
        grown.set(key, { cameraId: s.cameraId, trackId: s.trackId, floorId: s.floorId, startedAt: new Date(state.bornMs), endedAt: new Date(state.lastMs), xyM: state.birth });
      } else if (state.lastMs - state.sinceMs >= this.options.minMs) {
        grown.set(key, { cameraId: s.cameraId, trackId: s.trackId, floorId: s.floorId, startedAt: new Date(state.sinceMs), endedAt: new Date(state.lastMs), xyM: state.anchor });
      }
    }
    const forgetBefore = latest - (this.options.forgetAfterMs ?? 60_000);
    for (const [key, state] of this.tracks) if (state.lastMs < forgetBefore) this.tracks.delete(key);
    return [...grown.values()];
  }
}
