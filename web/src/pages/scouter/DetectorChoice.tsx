import type { DetectorList } from '@sightline/contracts';
import { useLoaded } from '../../lib/use-loaded.ts';
import { listDetectors } from './scouter-api.ts';

type Detector = DetectorList['detectors'][number];
const NONE: Detector[] = [];

/** The detectors Scouter offers (none while loading or when it cannot list them: the form then offers the camera's own). */
export const useDetectors = (base: string): Detector[] => useLoaded(base, listDetectors, NONE);

/**
 * The detector a camera runs, as a menu: detectors that cannot run here (weights not fetched) or
 * that find no people are shown disabled with the reason in their tooltip, so a user sees what
 * exists and how to get it.
 */
export function DetectorChoice({ form, detectors, value, onChange }: { form: string; detectors: readonly Detector[]; value: string; onChange: (detector: string) => void }) {
  const options = detectors.some((d) => d.name === value) ? detectors : [{ name: value, classes: ['person'], unavailable: null }, ...detectors];
  return (
    <label title="The network that finds people; the tracker uses its score calibration">
      detector{' '}
      <select aria-label={`${form} detector`} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((d) => {
          const why = d.unavailable ?? (d.classes.includes('person') ? null : `finds no people (${d.classes.slice(0, 4).join(', ')}…): use it in a flow`);
          return (
            <option key={d.name} value={d.name} disabled={why !== null && d.name !== value} title={why ?? ''}>
              {d.name}
              {why ? ' (not available)' : ''}
            </option>
          );
        })}
      </select>
    </label>
  );
}
