import type { InferenceStatus } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { getInference } from './scouter-api.ts';

/**
 * Which engine runs which network in this Scouter (GET /inference): CenterNet, the face networks
 * and each trained head, with the setting that picked the engine and why. Read again whenever
 * `refreshKey` changes (a camera starting loads its networks).
 */
export function InferenceEngines({ base, refreshKey }: { base: string; refreshKey: string }) {
  const [models, setModels] = useState<InferenceStatus['models']>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    getInference(base)
      .then((status) => current && (setModels(status.models), setError(undefined)))
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [base, refreshKey]);

  return (
    <section className="inference-engines" aria-label="Inference engines">
      <h2>Inference engines</h2>
      {error ? (
        <p className="error">The engines could not be read: {error}</p>
      ) : models === undefined ? null : models.length === 0 ? (
        <p className="muted">No network is loaded yet: each one appears here once a camera needs it.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th>Engine</th>
              <th>Setting</th>
              <th>Why this engine</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.model} data-model={m.model} data-backend={m.backend}>
                <td>{m.model}</td>
                <td>{m.backend}</td>
                <td>SIGHTLINE_BACKEND {m.choice}</td>
                <td>{m.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
