// Runs queued training jobs inside a Scouter process, one at a time: woken by NOTIFY
// scouter_training (with a slow poll as a safety net), emitting `scouter:training` for every status
// change and epoch so the web page draws the curves live. Stopping fails the running job at its
// next epoch (no head is stored); the stale-worker rule fails it too if the process dies.
import type { TrainingProgressEvent } from '@sightline/contracts';
import { listenToChannel, type ChannelListener } from '@sightline/db';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { TrainingService } from './training.service.ts';

export class TrainingWorker {
  private readonly name = `scouter-${hostname()}-${process.pid}`;
  private listener: ChannelListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly pool: pg.Pool,
    private readonly service: TrainingService,
    private readonly emit: (event: TrainingProgressEvent) => void,
    private readonly log: { warn(message: string): void },
    private readonly pollMs = 5000,
  ) {}

  start(): void {
    this.listener = listenToChannel({ pool: this.pool, channel: 'scouter_training', onNotice: () => this.kick(), log: this.log });
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  private kick(): void {
    if (this.running || this.abort.signal.aborted) return;
    this.running = this.drain()
      .catch((err: Error) => this.log.warn(`training worker: ${err.message}`))
      .finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const job = await this.service.runNext(this.name, (p) => {
        if (p.phase === 'epoch' && p.epoch) this.emit({ jobId: p.job.id, status: 'running', progress: p.epoch.epoch / p.job.config.epochs, epoch: p.epoch });
        else if (p.phase === 'features' && p.framesDone === 1) this.emit({ jobId: p.job.id, status: 'running', progress: 0, epoch: null });
      }, undefined, this.abort.signal);
      if (!job) return;
      this.emit({ jobId: job.id, status: job.status, progress: job.progress, epoch: null });
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    await this.listener?.close();
    await this.running;
  }
}
