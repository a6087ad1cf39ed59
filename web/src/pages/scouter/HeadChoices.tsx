import { useLoaded } from '../../lib/use-loaded.ts';
import { listDeployedHeads } from './scouter-api.ts';

const NONE: string[] = [];

/** The names of the deployed trained heads (none when Scouter cannot list them: age and gender still work). */
export const useDeployedHeads = (base: string): string[] => useLoaded(base, listDeployedHeads, NONE);

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
