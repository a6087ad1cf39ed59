import type { HawkLabelSchema } from '@sightline/contracts';
import { classColor } from './canvas-draw.ts';
import { trackBoxAt, type Doc } from './editor-state.ts';

export interface ObjectListProps {
  readonly doc: Doc;
  readonly frame: number;
  readonly schema: HawkLabelSchema;
  readonly selected: string | null;
  readonly hidden: ReadonlySet<string>;
  readonly locked: ReadonlySet<string>;
  /** Short numbers of tracks (1, 2, ...) as drawn on the canvas. */
  readonly trackNumbers: ReadonlyMap<string, number>;
  onSelect(key: string): void;
  onToggle(kind: 'hidden' | 'locked', key: string): void;
  onGo(frame: number): void;
}

/**
 * Every track of the set (also those outside on this frame, so they can be selected and brought
 * back) and the plain boxes of this frame: select, hide, lock, jump to the first or last keyframe.
 */
export function ObjectList(p: ObjectListProps) {
  const tracks = Object.values(p.doc.tracks).sort((a, b) => (p.trackNumbers.get(a.id) ?? 0) - (p.trackNumbers.get(b.id) ?? 0));
  const boxes = p.doc.frames[String(p.frame)] ?? [];
  const row = (key: string, label: string, text: string, extra: React.ReactNode) => (
    <li key={key} data-testid={`hawk-object-${key}`} className={p.selected === key ? 'active' : ''}>
      <button onClick={() => p.onSelect(key)} style={{ borderColor: classColor(p.schema, label) }} data-testid={`hawk-object-select-${key}`}>
        {text}
      </button>
      {extra}
      <button title={p.hidden.has(key) ? 'show' : 'hide'} onClick={() => p.onToggle('hidden', key)} data-testid={`hawk-object-hide-${key}`}>
        {p.hidden.has(key) ? 'show' : 'hide'}
      </button>
      <button title={p.locked.has(key) ? 'unlock' : 'lock: cannot be moved, resized or deleted'} onClick={() => p.onToggle('locked', key)} data-testid={`hawk-object-lock-${key}`}>
        {p.locked.has(key) ? 'unlock' : 'lock'}
      </button>
    </li>
  );
  return (
    <div className="hawk-objects">
      <h4>Objects</h4>
      <ul className="hawk-object-list" data-testid="hawk-objects">
        {tracks.map((t) => {
          const first = t.keyframes[0]!.frame;
          const last = t.keyframes.at(-1)!.frame;
          const here = trackBoxAt(t.keyframes, p.frame) !== null;
          return row(
            `t:${t.id}`,
            t.label,
            `#${p.trackNumbers.get(t.id)} ${t.label}${here ? '' : ' (not on this frame)'}`,
            <>
              <button title={`first keyframe: frame ${first + 1}`} onClick={() => p.onGo(first)} data-testid={`hawk-object-first-t:${t.id}`}>
                ⇤ {first + 1}
              </button>
              <button title={`last keyframe: frame ${last + 1}`} onClick={() => p.onGo(last)} data-testid={`hawk-object-last-t:${t.id}`}>
                {last + 1} ⇥
              </button>
            </>,
          );
        })}
        {boxes.map((b, i) => row(`b:${b.id}`, b.label, `box ${i + 1} ${b.label}`, null))}
        {tracks.length === 0 && boxes.length === 0 && <li className="muted">No objects on this frame.</li>}
      </ul>
    </div>
  );
}
