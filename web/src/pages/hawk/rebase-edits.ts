import { sameContent, type HawkBox, type HawkTrack } from '@sightline/contracts';
import type { Doc } from './editor-state.ts';

/** One unsaved change to one box or track, found by comparing the editor's document with its base. */
export interface Edit {
  readonly kind: 'added' | 'changed' | 'deleted';
  readonly object: 'box' | 'track';
  readonly id: string;
  /** The box's frame; for a track its first keyframe. */
  readonly frame: number;
  readonly label: string;
}

/** Why an edit was not replayed: the other side changed, deleted or (same id) added that object. */
export type DropReason = 'changed there' | 'deleted there' | 'added there';

export interface Rebased {
  readonly doc: Doc;
  /** Frames and tracks the kept edits changed relative to the latest version: what the next save sends. */
  readonly dirtyFrames: readonly string[];
  readonly dirtyTracks: readonly string[];
  readonly kept: readonly Edit[];
  readonly dropped: readonly (Edit & { readonly reason: DropReason })[];
}

/**
 * Replays the unsaved edits (`base` -> `mine`) on top of the latest version `theirs`. An edit is kept
 * when the object it touches is as it was in `base` on the server (or, for an added object, absent
 * there); otherwise the server's state wins and the edit is reported as dropped.
 */
export function rebaseEdits(base: Doc, mine: Doc, theirs: Doc, touched: { frames: Iterable<string>; tracks: Iterable<string> }): Rebased {
  const kept: Edit[] = [];
  const dropped: (Edit & { reason: DropReason })[] = [];
  // Records the outcome; true when the edit still has to be written into the latest version.
  const settle = (edit: Edit, outcome: ReturnType<typeof decide>): boolean => {
    if (outcome === 'skip') return false;
    if (outcome === 'apply' || outcome === 'same') kept.push(edit);
    else dropped.push({ ...edit, reason: outcome });
    return outcome === 'apply';
  };
  const frames = { ...theirs.frames };
  const tracks = { ...theirs.tracks };
  const dirtyFrames: string[] = [];
  const dirtyTracks: string[] = [];

  for (const key of new Set(touched.frames)) {
    const frame = Number(key);
    let out = [...(theirs.frames[key] ?? [])];
    const start = out;
    const replay = (edit: Edit, was: HawkBox | undefined, now: HawkBox | undefined) => {
      const there = out.find((b) => b.id === edit.id);
      if (!settle(edit, decide(was, now, there))) return;
      if (!now) out = out.filter((b) => b.id !== edit.id);
      else if (there) out = out.map((b) => (b.id === edit.id ? now : b));
      else out = [...out, now];
    };
    const before = new Map((base.frames[key] ?? []).map((b) => [b.id, b]));
    const after = mine.frames[key] ?? [];
    for (const now of after) replay({ kind: before.has(now.id) ? 'changed' : 'added', object: 'box', id: now.id, frame, label: now.label }, before.get(now.id), now);
    for (const [id, was] of before) if (!after.some((b) => b.id === id)) replay({ kind: 'deleted', object: 'box', id, frame, label: was.label }, was, undefined);
    if (out !== start) {
      frames[key] = out;
      dirtyFrames.push(key);
    }
  }

  for (const id of new Set(touched.tracks)) {
    const was = base.tracks[id];
    const now = mine.tracks[id];
    const shown = now ?? was;
    if (!shown) continue;
    const edit: Edit = { kind: !was ? 'added' : !now ? 'deleted' : 'changed', object: 'track', id, frame: shown.keyframes[0]?.frame ?? 0, label: shown.label };
    if (!settle(edit, decide(was, now, theirs.tracks[id]))) continue;
    if (now) tracks[id] = now;
    else delete tracks[id];
    dirtyTracks.push(id);
  }

  return { doc: { frames, tracks }, dirtyFrames, dirtyTracks, kept, dropped };
}

/**
 * One object: `was` in the base, `now` in the editor, `there` in the latest version. 'same' when
 * the server already holds what the user wants (both made the same change, or both deleted it);
 * 'skip' when the user did not change it at all (undone edits leave their keys dirty).
 */
function decide<T extends HawkBox | HawkTrack>(was: T | undefined, now: T | undefined, there: T | undefined): 'apply' | 'same' | 'skip' | DropReason {
  if (sameContent(was, now)) return 'skip';
  if (sameContent(there, now)) return 'same';
  if (sameContent(there, was)) return 'apply';
  if (!was) return 'added there';
  return there ? 'changed there' : 'deleted there';
}

/** What the page tells the user after a rebase; frames are shown 1-based as on the scrubber. */
export function describeRebase(result: Rebased, version: number): string {
  const total = result.kept.length + result.dropped.length;
  const head = `Reloaded version ${version}`;
  if (result.dropped.length === 0) return total === 0 ? `${head}.` : `${head} and re-applied your ${plural(total, 'edit')}.`;
  const n = result.dropped.length;
  const theirs: Record<DropReason, string> = { 'changed there': 'changed it', 'deleted there': 'deleted it', 'added there': 'added one with the same id' };
  const which = result.dropped.slice(0, 5).map((d) => `${d.label} ${d.object} ${d.object === 'box' ? 'on' : 'from'} frame ${d.frame + 1} (you ${d.kind} it, someone else ${theirs[d.reason]})`);
  const more = n > 5 ? `, and ${n - 5} more` : '';
  return `${head}: ${n} of your ${plural(total, 'edit')} touched ${n === 1 ? 'a box' : 'boxes'} someone else changed and ${n === 1 ? 'was' : 'were'} not kept: ${which.join('; ')}${more}.`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
