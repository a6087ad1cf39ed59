import { useEffect, useState } from 'react';
import { listDeployedHeads } from './scouter-api.ts';

/** The names of the deployed trained heads (none when Scouter cannot list them: age and gender still work). */
export function useDeployedHeads(base: string): string[] {
  const [heads, setHeads] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    listDeployedHeads(base)
      .then((names) => live && setHeads(names))
      .catch(() => undefined);
    return () => void (live = false);
  }, [base]);
  return heads;
}

/**
 * A checkbox for each head a camera may run: age, gender, the deployed trained heads, and every head
 * the camera runs already (a head no longer deployed stays listed, so saving other settings never
 * drops it unasked). `form` names the form in each checkbox's label (two forms share a page).
 */
export function HeadChoices({ form, deployed, chosen, onChange }: { form: string; deployed: readonly string[]; chosen: readonly string[]; onChange: (heads: string[]) => void }) {
  const options = [...new Set(['age', 'gender', ...deployed, ...chosen])];
  return (
    <>
      {options.map((head) => (
        <label key={head} title={head === 'age' || head === 'gender' ? 'from the face, on people whose face is seen' : 'a trained head, on the detector features of each person'}>
          <input type="checkbox" aria-label={`${form} head ${head}`} checked={chosen.includes(head)} onChange={(e) => onChange(e.target.checked ? [...chosen.filter((h) => h !== head), head] : chosen.filter((h) => h !== head))} /> {head}
        </label>
      ))}
    </>
  );
}
