import type { Webhook, WebhookTestResult } from '@sightline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { addWebhook, listWebhooks, removeWebhook, testWebhook } from './scouter-api.ts';

/** HTTP webhooks: every event is POSTed as JSON; "Test" sends a sample and shows what the receiver answered. */
export function WebhookSettings({ base }: { base: string }) {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [url, setUrl] = useState('');
  const [results, setResults] = useState<Record<number, WebhookTestResult>>({});
  const [error, setError] = useState<string>();

  const load = useCallback(() => void listWebhooks(base).then(setHooks).catch((err: Error) => setError(err.message)), [base]);
  useEffect(load, [load]);

  async function add(e: React.FormEvent) {
    e.preventDefault();
    try {
      await addWebhook(base, { url: url.trim() });
      setUrl('');
      setError(undefined);
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section data-testid="webhooks">
      <h3>Notifications (HTTP webhooks)</h3>
      <form onSubmit={add} className="scouter-form">
        <label>
          Webhook URL <input aria-label="Webhook URL" placeholder="http://host:8080/hook" size={36} value={url} onChange={(e) => setUrl(e.target.value)} required />
        </label>
        <button type="submit">Add webhook</button>
      </form>
      {error && <p role="alert">{error}</p>}
      <ul>
        {hooks.map((h) => (
          <li key={h.id} data-webhook={h.url}>
            {h.url} {h.kinds.length > 0 ? `(${h.kinds.join(', ')})` : '(all events)'}{' '}
            <button type="button" onClick={() => void testWebhook(base, h.id).then((r) => setResults((all) => ({ ...all, [h.id]: r }))).catch((err: Error) => setError(err.message))}>
              Test
            </button>
            <button type="button" onClick={() => void removeWebhook(base, h.id).then(load).catch((err: Error) => setError(err.message))}>
              Delete
            </button>
            {results[h.id] && (
              <span role="status" data-testid="webhook-test-result" data-ok={results[h.id]!.ok}>
                {results[h.id]!.ok ? '✓ ' : '✗ '}
                {results[h.id]!.message}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
