import { labelSchemaProblems, type HawkAttributeSpec, type HawkClassSpec, type HawkLabelSchema } from '@sightline/contracts';
import { useState } from 'react';

type Row = HawkClassSpec & { was: string | null };
const TYPES: HawkAttributeSpec['type'][] = ['select', 'checkbox', 'number', 'text'];
const PALETTE = ['#e53e3e', '#3182ce', '#38a169', '#d69e2e', '#805ad5', '#dd6b20', '#319795', '#d53f8c'];

/** A new attribute of `type`, keeping the name (the default fits the type). */
function attributeOf(type: HawkAttributeSpec['type'], name: string): HawkAttributeSpec {
  if (type === 'select') return { name, type, options: ['yes', 'no'], default: 'yes' };
  if (type === 'checkbox') return { name, type, default: false };
  if (type === 'number') return { name, type, default: 0 };
  return { name, type, default: '' };
}

/**
 * The label schema as a form: classes with colour and hotkey, attributes with type, options and
 * default. Problems show as sentences before anything is sent. Renaming a class of an existing
 * project moves its boxes (sent as `renames`); the server refuses dropping a class still in use.
 */
export function SchemaEditor({ initial, submitLabel, onSubmit }: { initial: HawkLabelSchema; submitLabel: string; onSubmit: (schema: HawkLabelSchema, renames: Record<string, string>) => Promise<void> }) {
  const [rows, setRows] = useState<Row[]>(initial.classes.map((c) => ({ ...c, was: c.name })));
  const [error, setError] = useState('');
  // Options are kept as typed (so a comma can be typed); the schema sent has them trimmed, empties dropped.
  const schema: HawkLabelSchema = {
    classes: rows.map(({ was: _was, ...c }) => ({
      ...c,
      ...(c.hotkey ? {} : { hotkey: undefined }),
      attributes: c.attributes.map((a) => (a.type === 'select' ? { ...a, options: a.options.map((o) => o.trim()).filter(Boolean) } : a)),
    })),
  };
  const problems = labelSchemaProblems(schema);
  const setRow = (i: number, change: Partial<Row>) => setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...change } : r)));
  const setAttr = (i: number, j: number, a: HawkAttributeSpec | null) =>
    setRows((rs) => rs.map((r, k) => (k === i ? { ...r, attributes: a ? r.attributes.map((x, n) => (n === j ? a : x)) : r.attributes.filter((_, n) => n !== j) } : r)));
  const submit = async () => {
    setError('');
    const renames = Object.fromEntries(rows.filter((r) => r.was !== null && r.was !== r.name).map((r) => [r.was!, r.name]));
    try {
      await onSubmit({ classes: schema.classes.map((c) => JSON.parse(JSON.stringify(c)) as HawkClassSpec) }, renames);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="hawk-schema" data-testid="hawk-schema-editor">
      {rows.map((r, i) => (
        <div key={i} className="hawk-card" data-testid={`hawk-class-${i}`}>
          <input placeholder="class name" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} data-testid={`hawk-class-name-${i}`} />
          <input type="color" value={r.color ?? PALETTE[i % PALETTE.length]} onChange={(e) => setRow(i, { color: e.target.value })} title="colour" />
          <input placeholder="hotkey" value={r.hotkey ?? ''} maxLength={1} onChange={(e) => setRow(i, { hotkey: e.target.value || undefined })} style={{ width: '4em' }} data-testid={`hawk-class-hotkey-${i}`} />
          <button onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))} data-testid={`hawk-class-remove-${i}`}>Remove class</button>
          {r.was && r.was !== r.name && <span className="muted small"> boxes of “{r.was}” move to “{r.name}”</span>}
          {r.attributes.map((a, j) => (
            <div key={j} className="hawk-form small" data-testid={`hawk-attr-${i}-${j}`}>
              <input placeholder="attribute" value={a.name} onChange={(e) => setAttr(i, j, { ...a, name: e.target.value })} />
              <select value={a.type} onChange={(e) => setAttr(i, j, attributeOf(e.target.value as HawkAttributeSpec['type'], a.name))}>
                {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
              {a.type === 'select' && (
                <input placeholder="options, comma separated" value={a.options.join(', ')} onChange={(e) => setAttr(i, j, { ...a, options: e.target.value.split(',').map((o) => o.trimStart()) })} data-testid={`hawk-attr-options-${i}-${j}`} />
              )}
              <label>
                default{' '}
                {a.type === 'checkbox' ? (
                  <input type="checkbox" checked={a.default} onChange={(e) => setAttr(i, j, { ...a, default: e.target.checked })} />
                ) : a.type === 'select' ? (
                  <select value={a.default} onChange={(e) => setAttr(i, j, { ...a, default: e.target.value })} data-testid={`hawk-attr-default-${i}-${j}`}>
                    {[...new Set([a.default, ...a.options.map((o) => o.trim()).filter(Boolean)])].map((o) => <option key={o} value={o}>{o}</option>)}
                  </select>
                ) : a.type === 'number' ? (
                  <input type="number" value={a.default} onChange={(e) => setAttr(i, j, { ...a, default: Number(e.target.value) })} style={{ width: '5em' }} />
                ) : (
                  <input value={a.default} onChange={(e) => setAttr(i, j, { ...a, default: e.target.value })} />
                )}
              </label>
              <button onClick={() => setAttr(i, j, null)}>Remove</button>
            </div>
          ))}
          <button onClick={() => setRow(i, { attributes: [...r.attributes, attributeOf('select', '')] })} data-testid={`hawk-attr-add-${i}`}>Add attribute</button>
        </div>
      ))}
      <div className="hawk-form">
        <button onClick={() => setRows((rs) => [...rs, { name: '', color: PALETTE[rs.length % PALETTE.length], attributes: [], was: null }])} data-testid="hawk-class-add">Add class</button>
        <button onClick={() => void submit()} disabled={problems.length > 0} data-testid="hawk-schema-save">{submitLabel}</button>
      </div>
      {problems.length > 0 && (
        <ul className="hawk-warning small" data-testid="hawk-schema-problems">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      {error && <p className="hawk-error" data-testid="hawk-schema-error">{error}</p>}
    </div>
  );
}
