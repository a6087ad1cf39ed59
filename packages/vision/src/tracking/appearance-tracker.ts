// ByteTrack with the appearance cue, one per camera or sequence: each frame's detections carry one
// embedding per box (the `embedding` column, pooled from the detector's own feature map); here
// they are centred with this tracker's running mean before association (raw, every person looks
// alike to the detector's map: EmbeddingCentering), and the column is dropped from what the
// tracker returns, so results, sinks and events never carry it. Scouter's cameras and
// `sightline track --appearance` both track through it.
import type { Detections } from '../detections.ts';
import type { Affine } from '../motion/affine.ts';
import { APPEARANCE_DEFAULTS, EmbeddingCentering, normalised } from './appearance-cue.ts';
import { ByteTracker, type ByteTrackOptions, type EarlierBox } from './byte-tracker.ts';
import type { Tracker } from './tracker.ts';

export class AppearanceTracker implements Tracker {
  private readonly tracker: ByteTracker;
  private centering = new EmbeddingCentering(APPEARANCE_DEFAULTS.centeringRate);
  /** Per track id: the sum of its boxes' unit-length centred embeddings (only when asked to keep them). */
  private appearanceSums = new Map<number, Float64Array>();
  private readonly keepTrackAppearance: boolean;

  /**
   * `options`: ByteTrack's, without `appearance` (the cue's defaults are set here).
   * `keepTrackAppearance`: keep each track's mean appearance for `trackAppearance()` (results
   * written after the fact: one entry per track ever seen, so a live camera leaves it off).
   */
  constructor(options: Omit<ByteTrackOptions, 'appearance'>, { keepTrackAppearance = false } = {}) {
    this.keepTrackAppearance = keepTrackAppearance;
    const { key, threshold, proximity } = APPEARANCE_DEFAULTS;
    this.tracker = new ByteTracker({ ...options, appearance: { key, threshold, proximity } });
  }

  /** Embeddings seen so far (the running mean's sample). */
  get embeddingsSeen(): number {
    return this.centering.count;
  }

  update(detections: Detections, elapsed = 1): Detections {
    const { key } = APPEARANCE_DEFAULTS;
    const out = this.tracker.update(this.centering.centerColumn(detections, key), elapsed);
    if (this.keepTrackAppearance) this.addAppearance(out);
    return out.withoutData(key);
  }

  /**
   * Each track's appearance over the boxes reported for it so far: the mean of their unit-length
   * centred embeddings, unit length (the whole track, where the cue's own embedding follows its
   * latest boxes). Offline stitching compares two tracks by it (track-stitching.ts). Empty unless
   * the tracker was made with `keepTrackAppearance`.
   */
  trackAppearance(): Map<number, Float64Array> {
    return new Map([...this.appearanceSums].map(([id, sum]) => [id, normalised(sum)]));
  }

  private addAppearance(out: Detections): void {
    const column = out.data[APPEARANCE_DEFAULTS.key] as readonly ArrayLike<number>[] | undefined;
    column?.forEach((embedding, k) => {
      const id = out.trackerId[k]!;
      const unit = normalised(embedding);
      const sum = this.appearanceSums.get(id);
      if (!sum) this.appearanceSums.set(id, unit);
      else if (sum.length === unit.length) for (let c = 0; c < unit.length; c++) sum[c]! += unit[c]!;
    });
  }

  compensate(m: Affine): void {
    this.tracker.compensate(m);
  }

  /** ByteTrack's withheld first matches of tracks confirmed by the last update (see ByteTracker). */
  confirmedEarlier(): readonly EarlierBox[] {
    return this.tracker.confirmedEarlier();
  }

  reset(): void {
    this.tracker.reset();
    this.centering = new EmbeddingCentering(APPEARANCE_DEFAULTS.centeringRate);
    this.appearanceSums = new Map();
  }
}
