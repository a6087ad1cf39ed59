import type { HawkAttributeValues, HawkLabelSchema } from '@sightline/contracts';
import { classColor } from './canvas-draw.ts';

/** Class picker with hotkeys, and the attribute editor of the selected box (per the project's schema). */
export function AttributePanel(props: {
  schema: HawkLabelSchema;
  currentClass: string;
  onClass: (name: string) => void;
  selected: { label: string; attributes: HawkAttributeValues } | null;
  onAttributes: (values: HawkAttributeValues) => void;
}) {
  const cls = props.selected ? props.schema.classes.find((c) => c.name === props.selected!.label) : undefined;
  return (
    <div className="hawk-panel">
      <h3>Classes</h3>
      <ul className="hawk-classes">
        {props.schema.classes.map((c, i) => (
          <li key={c.name}>
            <button data-testid={`hawk-class-${c.name}`} className={c.name === props.currentClass ? 'active' : ''} onClick={() => props.onClass(c.name)} style={{ borderColor: classColor(props.schema, c.name) }}>
              <kbd>{c.hotkey ?? String(i + 1)}</kbd> {c.name}
            </button>
          </li>
        ))}
      </ul>
      <h3>Attributes</h3>
      {!props.selected && <p className="muted">Select a box (click it or press Tab).</p>}
      {props.selected && cls && cls.attributes.length === 0 && <p className="muted">{cls.name} has no attributes.</p>}
      {props.selected &&
        cls?.attributes.map((a) => {
          const value = props.selected!.attributes[a.name] ?? a.default;
          const set = (v: string | number | boolean) => props.onAttributes({ ...props.selected!.attributes, [a.name]: v });
          return (
            <label key={a.name} className="hawk-attr">
              <span>{a.name}</span>
              {a.type === 'select' && (
                <select data-testid={`hawk-attr-${a.name}`} value={String(value)} onChange={(e) => set(e.target.value)}>
                  {a.options.map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              )}
              {a.type === 'checkbox' && <input data-testid={`hawk-attr-${a.name}`} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} />}
              {a.type === 'number' && <input data-testid={`hawk-attr-${a.name}`} type="number" value={Number(value)} min={a.min} max={a.max} onChange={(e) => set(Number(e.target.value))} />}
              {a.type === 'text' && <input data-testid={`hawk-attr-${a.name}`} value={String(value)} onChange={(e) => set(e.target.value)} />}
            </label>
          );
        })}
      <h3>Keys</h3>
      <p className="muted small">
        D / → next frame · A / ← previous · Tab next box · Del delete · T track mode · O outside · class hotkeys · Ctrl+Z / Ctrl+Y undo/redo · Ctrl+S save · wheel zoom · Shift+drag pan · 0 reset view
      </p>
    </div>
  );
}
