import type { EventKind, ScouterEvent, Webhook, WebhookBody, WebhookTestResult } from '@sightline/contracts';
import { HttpError } from '@sightline/server-kit';
import type { WebhookRepository } from '../repositories/webhook.repository.ts';

/** The JSON a webhook receives: the event, and where its snapshot can be fetched. */
export interface WebhookPayload {
  readonly type: 'scouter.event' | 'scouter.test';
  readonly event: ScouterEvent;
  readonly snapshotPath: string | null;
}

// Events come in bursts (several people at once): the hook list is read at most this often.
const CACHE_MS = 2000;

/**
 * Generic HTTP notifications: each event is POSTed as JSON to every webhook that wants its kind.
 * Best effort: one attempt with a timeout, a failure is logged (once per hook until it works again)
 * and never slows the pipeline, which does not wait for receivers.
 */
export class WebhookService {
  private cache: { hooks: Webhook[]; atMs: number } | undefined;
  private readonly failing = new Set<number>();
  delivered = 0;
  failed = 0;

  constructor(
    private readonly hooks: WebhookRepository,
    private readonly timeoutMs: number,
    private readonly log: { warn(message: string): void } = console,
  ) {}

  list(): Promise<Webhook[]> {
    return this.hooks.list();
  }

  async create(body: WebhookBody): Promise<Webhook> {
    let url: URL;
    try {
      url = new URL(body.url);
    } catch {
      throw new HttpError(400, `"${body.url}" is not a valid URL; give e.g. http://host:8080/hook`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(400, `webhook URLs are http:// or https://, not ${url.protocol}`);
    if (url.username || url.password) throw new HttpError(400, 'put no user name or password in a webhook URL');
    this.cache = undefined;
    return this.hooks.create(url.toString(), body.kinds ?? []);
  }

  async remove(id: number): Promise<void> {
    this.cache = undefined;
    if (!(await this.hooks.remove(id))) throw new HttpError(404, `No webhook with id ${id}; GET /webhooks lists them`);
  }

  /** Sends a sample event to one webhook now and says what the receiver answered. */
  async test(id: number): Promise<WebhookTestResult> {
    const hook = await this.hooks.get(id);
    if (!hook) throw new HttpError(404, `No webhook with id ${id}; GET /webhooks lists them`);
    const sample: ScouterEvent = {
      id: 0,
      occurredAt: new Date().toISOString(),
      cameraId: 0,
      cameraName: 'test',
      kind: 'zone-entered',
      trackerId: 0,
      className: 'person',
      region: 'test zone',
      direction: null,
      score: 1,
      xyxy: [0, 0, 1, 1],
      attributes: {},
      hasSnapshot: false,
    };
    return this.post(hook, { type: 'scouter.test', event: sample, snapshotPath: null });
  }

  /** Sends an event to every webhook that wants its kind; returns when all answered or timed out. */
  async dispatch(event: ScouterEvent): Promise<void> {
    const hooks = await this.current().catch(() => []);
    const wanted = hooks.filter((h) => h.kinds.length === 0 || h.kinds.includes(event.kind as EventKind));
    await Promise.all(wanted.map((h) => this.post(h, { type: 'scouter.event', event, snapshotPath: event.hasSnapshot ? `/events/${event.id}/snapshot.jpg` : null })));
  }

  private async current(): Promise<Webhook[]> {
    if (this.cache && Date.now() - this.cache.atMs < CACHE_MS) return this.cache.hooks;
    const hooks = await this.hooks.list();
    this.cache = { hooks, atMs: Date.now() };
    return hooks;
  }

  private async post(hook: Webhook, payload: WebhookPayload): Promise<WebhookTestResult> {
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'sightline-scouter' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`the receiver answered ${res.status} ${res.statusText}`);
      this.delivered++;
      this.failing.delete(hook.id);
      return { ok: true, status: res.status, message: `delivered (${res.status})` };
    } catch (err) {
      this.failed++;
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : e.message.startsWith('the receiver') ? e.message : `${e.message}${(e.cause as Error | undefined)?.message ? ` (${(e.cause as Error).message})` : ''}`;
      if (!this.failing.has(hook.id)) this.log.warn(`webhook ${hook.id} (${hook.url}) failed: ${why}`);
      this.failing.add(hook.id);
      const status = /answered (\d+)/.exec(why)?.[1];
      return { ok: false, status: status ? Number(status) : null, message: why };
    }
  }
}
