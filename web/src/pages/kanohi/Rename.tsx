import { useState } from 'react';

/** A "Rename" button that turns into a name field with Save and Cancel. */
export function Rename(props: { name: string; testId: string; onRename: (name: string) => Promise<void> }) {
  const [editing, setEditing] = useState<string>();
  if (editing === undefined)
    return (
      <button type="button" data-testid={props.testId} onClick={() => setEditing(props.name)}>
        Rename
      </button>
    );
  return (
    <span className="kanohi-rename">
      <input data-testid={`${props.testId}-input`} value={editing} size={10} onChange={(e) => setEditing(e.target.value)} />
      <button type="button" data-testid={`${props.testId}-save`} disabled={!editing.trim() || editing.trim() === props.name} onClick={() => void props.onRename(editing.trim()).then(() => setEditing(undefined))}>
        Save
      </button>
      <button type="button" onClick={() => setEditing(undefined)}>
        Cancel
      </button>
    </span>
  );
}
