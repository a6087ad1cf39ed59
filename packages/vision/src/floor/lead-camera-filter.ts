/**
 * Decides which samples of a person seen by several cameras speak for that person, so occupancy,
 * dwell and crossings count each person once. One camera leads a person at a time: its samples are
 * admitted, another camera's are not while the lead reported the person within `handoverMs`. When
 * the lead loses the person for longer, the next camera that reports them takes over (so at most
 * `handoverMs` of samples go uncounted at a hand-over).
 * @example const f = new LeadCameraFilter({ handoverMs: 300 }); if (f.admit(personId, cameraId, t)) count()
 */
export class LeadCameraFilter {
  private readonly lead = new Map<number, { cameraId: number; timeMs: number }>();

  constructor(readonly options: { handoverMs: number } = { handoverMs: 300 }) {}

  /**
   * True when this sample counts. `force` admits it whatever the lead (a sample already counted
   * elsewhere, e.g. stored before) and makes its camera the lead.
   */
  admit(personId: number, cameraId: number, timeMs: number, force = false): boolean {
    const current = this.lead.get(personId);
    if (current && current.cameraId === cameraId) {
      current.timeMs = Math.max(current.timeMs, timeMs);
      return true;
    }
    if (!force && current && timeMs - current.timeMs <= this.options.handoverMs) return false;
    this.lead.set(personId, { cameraId, timeMs });
    return true;
  }

  /** Two people turned out to be one: the kept id keeps the lead that reported last. */
  merge(dropId: number, keepId: number): void {
    const dropped = this.lead.get(dropId);
    this.lead.delete(dropId);
    const kept = this.lead.get(keepId);
    if (dropped && (!kept || dropped.timeMs > kept.timeMs)) this.lead.set(keepId, dropped);
  }

  /** Forgets people not reported since `beforeMs`. */
  forget(beforeMs: number): void {
    for (const [id, l] of this.lead) if (l.timeMs < beforeMs) this.lead.delete(id);
  }
}
