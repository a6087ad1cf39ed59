// Per-track attributes smoothed over frames: a face-score-weighted running mean of age and of
// the male probability, with a confidence that grows with evidence and agreement.

export interface TrackAttributes {
  trackId: number;
  ageYears: number;
  gender: 'male' | 'female';
  /** 0..1: |2p - 1| of the mean male probability, scaled by n / (n + 2) for n observations. */
  genderConfidence: number;
  observations: number;
  /** Frame of the latest observation. */
  lastFrame: number;
}

interface State {
  weight: number;
  ageSum: number;
  maleSum: number;
  observations: number;
  lastFrame: number;
}

export class AttributeSmoother {
  private readonly tracks = new Map<number, State>();

  /** Frames after which a track's attributes are dropped when no observation came (default 900). */
  constructor(private readonly forgetAfterFrames = 900) {}

  /**
   * Adds one observation of a track; `weight` is how much it counts (e.g. the face score).
   * @example smoother.observe(7, 120, { ageYears: 31, maleProbability: 0.8 }, 0.9);
   */
  observe(trackId: number, frame: number, face: { ageYears: number; maleProbability: number }, weight = 1): TrackAttributes {
    if (!(weight > 0) || !Number.isFinite(face.ageYears) || !(face.maleProbability >= 0 && face.maleProbability <= 1)) {
      throw new RangeError(`observation of track ${trackId} is invalid (weight ${weight}, age ${face.ageYears}, male probability ${face.maleProbability})`);
    }
    const s = this.tracks.get(trackId) ?? { weight: 0, ageSum: 0, maleSum: 0, observations: 0, lastFrame: frame };
    s.weight += weight;
    s.ageSum += weight * face.ageYears;
    s.maleSum += weight * face.maleProbability;
    s.observations++;
    s.lastFrame = Math.max(s.lastFrame, frame);
    this.tracks.set(trackId, s);
    this.forget(frame);
    return this.summary(trackId, s);
  }

  /** The smoothed attributes of a track, if it was observed. */
  get(trackId: number): TrackAttributes | undefined {
    const s = this.tracks.get(trackId);
    return s ? this.summary(trackId, s) : undefined;
  }

  private summary(trackId: number, s: State): TrackAttributes {
    const male = s.maleSum / s.weight;
    return {
      trackId,
      ageYears: s.ageSum / s.weight,
      gender: male > 0.5 ? 'male' : 'female',
      genderConfidence: Math.abs(2 * male - 1) * (s.observations / (s.observations + 2)),
      observations: s.observations,
      lastFrame: s.lastFrame,
    };
  }

  private forget(frame: number): void {
    for (const [id, s] of this.tracks) if (frame - s.lastFrame > this.forgetAfterFrames) this.tracks.delete(id);
  }
}
