import { trackBoxAt, type HawkAnnotations, type HawkBox, type HawkKeyframe, type HawkSaveBody, type HawkTrack, type HawkXyxy } from '@sightline/contracts';

/** One drawable box on the current frame: a plain box, or a track's (interpolated) box. */
export interface ShownBox {
  readonly key: string;
  readonly label: string;
  readonly xyxy: HawkXyxy;
  readonly attributes: HawkBox['attributes'];
  readonly trackId: string | null;
  readonly keyframe: boolean;
}

export interface Doc {
  readonly frames: Readonly<Record<string, readonly HawkBox[]>>;
  readonly tracks: Readonly<Record<string, HawkTrack>>;
}

/** The server's rule (packages/contracts), shared by the page. */
export { trackBoxAt };

export function shownBoxes(doc: Doc, frame: number): ShownBox[] {
  const plain = (doc.frames[String(frame)] ?? []).map((b) => ({ key: `b:${b.id}`, label: b.label, xyxy: b.xyxy, attributes: b.attributes, trackId: null, keyframe: false }));
  const tracked = Object.values(doc.tracks).flatMap((t) => {
    const xyxy = trackBoxAt(t.keyframes, frame);
    return xyxy ? [{ key: `t:${t.id}`, label: t.label, xyxy, attributes: t.attributes, trackId: t.id, keyframe: t.keyframes.some((k) => k.frame === frame) }] : [];
  });
  return [...plain, ...tracked];
}

export function fromServer(a: HawkAnnotations): Doc {
  return { frames: a.frames, tracks: Object.fromEntries(a.tracks.map((t) => [t.id, t])) };
}

/** Sets a track's keyframe at `frame` (adds or replaces), keeping keyframes sorted. */
export function withKeyframe(track: HawkTrack, frame: number, xyxy: HawkXyxy, outside = false): HawkTrack {
  const rest = track.keyframes.filter((k) => k.frame !== frame);
  return { ...track, keyframes: [...rest, { frame, xyxy, outside }].sort((p, q) => p.frame - q.frame) };
}

/**
 * The editor's document with undo/redo and the set of changes not yet saved. Every edit returns
 * a new Editor (immutable), so React state updates stay simple. `base` is the server's document at
 * `version`: after a conflict the unsaved edits are the difference between it and `doc`.
 */
export class Editor {
  constructor(
    readonly doc: Doc,
    readonly version: number,
    private readonly undoStack: readonly Doc[] = [],
    private readonly redoStack: readonly Doc[] = [],
    readonly dirtyFrames: ReadonlySet<string> = new Set(),
    readonly dirtyTracks: ReadonlySet<string> = new Set(),
    readonly base: Doc = doc,
  ) {}

  get dirty(): boolean {
    return this.dirtyFrames.size > 0 || this.dirtyTracks.size > 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  private with(doc: Doc, frames: string[], tracks: string[]): Editor {
    return new Editor(doc, this.version, [...this.undoStack.slice(-199), this.doc], [], new Set([...this.dirtyFrames, ...frames]), new Set([...this.dirtyTracks, ...tracks]), this.base);
  }

  setFrameBoxes(frame: number, boxes: HawkBox[]): Editor {
    const key = String(frame);
    return this.with({ ...this.doc, frames: { ...this.doc.frames, [key]: boxes } }, [key], []);
  }

  putTrack(track: HawkTrack): Editor {
    return this.with({ ...this.doc, tracks: { ...this.doc.tracks, [track.id]: track } }, [], [track.id]);
  }

  deleteTrack(id: string): Editor {
    const tracks = { ...this.doc.tracks };
    delete tracks[id];
    return this.with({ ...this.doc, tracks }, [], [id]);
  }

  private diffKeys(a: Doc, b: Doc): { frames: string[]; tracks: string[] } {
    const frames = new Set([...Object.keys(a.frames), ...Object.keys(b.frames)]);
    const tracks = new Set([...Object.keys(a.tracks), ...Object.keys(b.tracks)]);
    return { frames: [...frames].filter((k) => a.frames[k] !== b.frames[k]), tracks: [...tracks].filter((k) => a.tracks[k] !== b.tracks[k]) };
  }

  undo(): Editor {
    const prev = this.undoStack.at(-1);
    if (!prev) return this;
    const d = this.diffKeys(prev, this.doc);
    return new Editor(prev, this.version, this.undoStack.slice(0, -1), [...this.redoStack, this.doc], new Set([...this.dirtyFrames, ...d.frames]), new Set([...this.dirtyTracks, ...d.tracks]), this.base);
  }

  redo(): Editor {
    const next = this.redoStack.at(-1);
    if (!next) return this;
    const d = this.diffKeys(next, this.doc);
    return new Editor(next, this.version, [...this.undoStack, this.doc], this.redoStack.slice(0, -1), new Set([...this.dirtyFrames, ...d.frames]), new Set([...this.dirtyTracks, ...d.tracks]), this.base);
  }

  /** The incremental save body for everything changed since the last save. */
  saveBody(): HawkSaveBody {
    const frames: Record<string, HawkBox[]> = {};
    for (const k of this.dirtyFrames) frames[k] = [...(this.doc.frames[k] ?? [])];
    const tracks = [...this.dirtyTracks].map((id) => this.doc.tracks[id]).filter((t): t is HawkTrack => !!t);
    const deletedTrackIds = [...this.dirtyTracks].filter((id) => !this.doc.tracks[id]);
    return { baseVersion: this.version, frames, tracks, deletedTrackIds };
  }

  /**
   * After a successful save of `sentDoc`: new version, and only changes made since stay dirty. The
   * server now holds `sentDoc` (it differed from the old base only in the keys that were sent).
   */
  saved(version: number, sentDoc: Doc): Editor {
    const d = this.diffKeys(sentDoc, this.doc);
    return new Editor(this.doc, version, this.undoStack, this.redoStack, new Set(d.frames), new Set(d.tracks), sentDoc);
  }

  /**
   * A newer server document (e.g. pre-labels written by the model) taken in while nothing is unsaved,
   * as one more undo step: undo goes back to the document before it, and that undo saves as the
   * difference (removing what was written), so pre-labeling can be undone like any edit.
   */
  absorbed(latest: Doc, version: number): Editor {
    return new Editor(latest, version, [...this.undoStack.slice(-199), this.doc], [], new Set(), new Set(), latest);
  }

  /**
   * The edits replayed onto a newer server document `latest` (see rebase-edits.ts). Undo history
   * is dropped: stepping back to a document of the old version would overwrite the other side's work.
   */
  rebased(latest: Doc, version: number, doc: Doc, dirtyFrames: Iterable<string>, dirtyTracks: Iterable<string>): Editor {
    return new Editor(doc, version, [], [], new Set(dirtyFrames), new Set(dirtyTracks), latest);
  }
}
