import type { CameraRegions, EventKind, TrackedBox } from '@sightline/contracts';
import { PolygonZone, segmentCrossing } from '@sightline/vision';
import { insideFrame } from './frame-point.ts';

/** An event found in one processed frame, with the box of the object at that moment. */
export interface TrackEvent {
  readonly kind: EventKind;
  readonly box: TrackedBox;
  readonly region: string | null;
  readonly direction: 'in' | 'out' | null;
}

export interface TrackEventOptions {
  /** A track raises events once seen in this many frames (one-frame flickers raise none). */
  readonly minFrames: number;
  /** A track not seen for this many processed frames has ended. */
  readonly endAfterFrames: number;
}

interface TrackState {
  seen: number;
  missed: number;
  started: boolean;
  last: TrackedBox;
  foot: [number, number];
  inZones: Set<string>;
}

/**
 * Turns each frame's tracked boxes into events: track started (after `minFrames`) and ended (after
 * `endAfterFrames` unseen), zone entered/left and line crossed, all judged on the box's
 * bottom-centre (where a standing person touches the floor), in image pixels. A track first seen
 * inside a zone enters it when it starts. One detector per camera pipeline run.
 * @example const events = new TrackEventDetector({ minFrames: 3, endAfterFrames: 20 }); events.setRegions(regions); events.update(tracksEvent.boxes)
 */
export class TrackEventDetector {
  private readonly tracks = new Map<number, TrackState>();
  private zones: { name: string; zone: PolygonZone }[] = [];
  private lines: { name: string; from: [number, number]; to: [number, number] }[] = [];

  constructor(private readonly options: TrackEventOptions) {}

  /** New zones and lines apply from the next frame; a track inside a removed zone leaves nothing behind. */
  setRegions(regions: Pick<CameraRegions, 'zones' | 'lines'>): void {
    this.zones = regions.zones.map((z) => ({ name: z.name, zone: new PolygonZone(z.polygon) }));
    this.lines = regions.lines.map((l) => ({ name: l.name, from: [l.from[0], l.from[1]], to: [l.to[0], l.to[1]] }));
    const names = new Set(this.zones.map((z) => z.name));
    for (const t of this.tracks.values()) for (const z of t.inZones) if (!names.has(z)) t.inZones.delete(z);
  }

  /** The events of one frame's boxes (boxes without a tracker id are ignored); `frameWh` keeps feet on the bottom row inside zones drawn to the edge. */
  update(boxes: readonly TrackedBox[], frameWh?: readonly [number, number]): TrackEvent[] {
    const out: TrackEvent[] = [];
    const present = new Set<number>();
    for (const box of boxes) {
      if (box.trackerId < 0) continue;
      present.add(box.trackerId);
      const cx = (box.xyxy[0] + box.xyxy[2]) / 2;
      const foot: [number, number] = frameWh ? insideFrame(cx, box.xyxy[3], frameWh[0], frameWh[1]) : [cx, box.xyxy[3]];
      let t = this.tracks.get(box.trackerId);
      if (!t) {
        t = { seen: 0, missed: 0, started: false, last: box, foot, inZones: new Set() };
        this.tracks.set(box.trackerId, t);
      }
      const prevFoot = t.foot;
      t.seen++;
      t.missed = 0;
      t.last = box;
      t.foot = foot;
      if (!t.started) {
        if (t.seen < this.options.minFrames) continue;
        t.started = true;
        out.push({ kind: 'track-started', box, region: null, direction: null });
      } else {
        for (const line of this.lines) {
          const crossing = segmentCrossing(prevFoot, foot, line.from, line.to);
          if (crossing !== 0) out.push({ kind: 'line-crossed', box, region: line.name, direction: crossing > 0 ? 'in' : 'out' });
        }
      }
      for (const { name, zone } of this.zones) {
        const inside = zone.contains(foot);
        if (inside && !t.inZones.has(name)) {
          t.inZones.add(name);
          out.push({ kind: 'zone-entered', box, region: name, direction: null });
        } else if (!inside && t.inZones.has(name)) {
          t.inZones.delete(name);
          out.push({ kind: 'zone-left', box, region: name, direction: null });
        }
      }
    }
    for (const [id, t] of this.tracks) {
      if (present.has(id)) continue;
      if (++t.missed < this.options.endAfterFrames) continue;
      this.tracks.delete(id);
      if (t.started) out.push(...this.endOf(t));
    }
    return out;
  }

  /** Ends every live track (the pipeline stopped): they leave their zones, then end. */
  finish(): TrackEvent[] {
    const out: TrackEvent[] = [];
    for (const t of this.tracks.values()) if (t.started) out.push(...this.endOf(t));
    this.tracks.clear();
    return out;
  }

  private endOf(t: TrackState): TrackEvent[] {
    const out: TrackEvent[] = [...t.inZones].map((name) => ({ kind: 'zone-left' as const, box: t.last, region: name, direction: null }));
    out.push({ kind: 'track-ended', box: t.last, region: null, direction: null });
    return out;
  }
}
