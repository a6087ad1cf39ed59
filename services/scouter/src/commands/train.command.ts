import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrainJob } from '@sightline/contracts';
import { createPool, dataDir, migrateUp, openDatabase } from '@sightline/db';
import { CenterNetDetector } from '@sightline/models';
import { UsageError, type CliCommand } from '@sightline/cli';
import { hawkFramesDir } from '../clients/hawk-labels.client.ts';
import { HawkLabelsClient, TrainConfigError, TrainingRepository, TrainingService } from '../training/index.ts';

const usage = `Usage: sightline train --config <train.json> [--threads <n>] [--hawk-url <url>] [--hawk-token <token>]
       sightline train --list | --cancel <job> | --heads | --deploy <name>@<version> | --rollback <name>

  --config <file>     a training config (JSON): the Hawk project, the attributes to learn (one head
                      each, on one shared feature cache), head (linear|mlp|conv), hidden, filters,
                      dropout, epochs, batchSize, lr, optimizer (sgd|adam), momentum, weightDecay,
                      seed, classWeighting (none|balanced), validation {by: track|video, fraction},
                      roiSize. A list for a setting makes a grid of jobs. The jobs are queued, then
                      run here one at a time, each printing its epochs; every successful job
                      stores a new version of its head.
  --threads <n>       detector threads for the feature cache (default 2)
  --hawk-url <url>    Hawk's address (default SCOUTER_HAWK_URL, else http://127.0.0.1:3001)
  --hawk-token <t>    a read-only Hawk API token of a user who may see the project (default
                      SCOUTER_HAWK_TOKEN); the labels and frames are read through Hawk's API
  --list              the job queue, newest first
  --cancel <job>      cancel a queued job, or a running one at its next epoch
  --heads             stored head versions with their validation accuracy
  --deploy <n>@<v>    deploy version v of head n (running pipelines load it)
  --rollback <name>   deploy the version below the deployed one

Approved labels and their frames are read through Hawk's API (Hawk must be running); frames are
kept under <data>/training/hawk-frames, pooled features under <data>/training/features. Uses
DATABASE_URL when set, otherwise the embedded PostgreSQL under the data folder.`;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function describe(job: TrainJob): string {
  const c = job.config;
  const arch = c.head === 'mlp' ? `mlp(${c.hidden})` : c.head === 'conv' ? `conv(${c.filters})` : 'linear';
  return `job ${job.id} ${job.name} ${arch} ${c.optimizer} lr=${c.lr} wd=${c.weightDecay} bs=${c.batchSize} seed=${c.seed}`;
}

/** `sightline train --config train.json`: queue a grid of head-training jobs and run them. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: "Train attribute heads from Hawk's approved labels (grid of jobs), deploy or roll back",
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { config: { type: 'string' }, threads: { type: 'string' }, 'hawk-url': { type: 'string' }, 'hawk-token': { type: 'string' }, list: { type: 'boolean' }, cancel: { type: 'string' }, heads: { type: 'boolean' }, deploy: { type: 'string' }, rollback: { type: 'string' } },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const hawkUrl = values['hawk-url'] ?? (process.env.SCOUTER_HAWK_URL || 'http://127.0.0.1:3001');
    if (!/^https?:\/\/[^/]/.test(hawkUrl)) throw new UsageError(`--hawk-url must be an http:// or https:// address, got "${hawkUrl}"`);
    const hawkToken = values['hawk-token'] ?? process.env.SCOUTER_HAWK_TOKEN ?? '';
    if (values.config && !hawkToken) throw new UsageError('--config needs a Hawk API token: --hawk-token <token> or SCOUTER_HAWK_TOKEN (a read-only Hawk token of a user who may see the project)');
    const actions = ['config', 'list', 'cancel', 'heads', 'deploy', 'rollback'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (actions.length !== 1) throw new UsageError(actions.length ? `give one of --${actions.join(', --')}, not several` : '--config <train.json> is required (or --list, --cancel, --heads, --deploy, --rollback)');
    const threads = values.threads === undefined ? 2 : Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be a whole number from 1 to 64, got "${values.threads}"`);
    let config: unknown;
    if (values.config) {
      try {
        config = JSON.parse(readFileSync(values.config, 'utf8'));
      } catch (err) {
        throw new UsageError(`cannot read the config "${values.config}": ${(err as Error).message}`);
      }
    }
    const deploy = values.deploy?.match(/^([a-z][a-z0-9_]*)@(\d+)$/);
    if (values.deploy && !deploy) throw new UsageError(`--deploy takes <name>@<version>, e.g. upper_colour@2, got "${values.deploy}"`);
    const cancelId = values.cancel === undefined ? undefined : Number(values.cancel);
    if (cancelId !== undefined && !(Number.isInteger(cancelId) && cancelId > 0)) throw new UsageError(`--cancel takes a job id, got "${values.cancel}"`);

    const database = await openDatabase();
    const pool = createPool(database.url, { log: () => undefined });
    let detector: CenterNetDetector | undefined;
    try {
      await migrateUp(pool);
      const repo = new TrainingRepository(pool);
      const service = new TrainingService({
        repo,
        hawk: new HawkLabelsClient({ hawkUrl, token: hawkToken }),
        framesDir: hawkFramesDir(),
        cacheDir: join(dataDir(), 'training', 'features'),
        detector: async () => (detector ??= await CenterNetDetector.create({ threads })),
      });
      if (values.list) {
        for (const job of await service.list()) console.log(`${describe(job)}  ${job.status}${job.status === 'running' ? ` ${pct(job.progress)}` : ''}${job.metrics ? `  val ${pct(job.metrics.valAccuracy)}` : ''}${job.error ? `  ${job.error}` : ''}`);
        return 0;
      }
      if (cancelId !== undefined) {
        const job = await service.cancel(cancelId);
        if (!job) throw new UsageError(`there is no training job ${cancelId}`);
        console.log(`job ${job.id}: ${job.status}${job.status === 'running' ? ' (stops after its current epoch)' : ''}`);
        return 0;
      }
      if (values.heads) {
        for (const h of await service.heads()) console.log(`${h.name}@${h.version}${h.deployed ? ' (deployed)' : ''}  labels ${h.labels.join('/')}  val ${pct(h.metrics.valAccuracy)} (majority ${pct(h.metrics.majorityAccuracy)})  job ${h.jobId ?? '-'}`);
        return 0;
      }
      if (deploy) {
        if (!(await service.deploy(deploy[1]!, Number(deploy[2])))) throw new UsageError(`there is no head ${deploy[1]} version ${deploy[2]} (see --heads)`);
        console.log(`deployed ${deploy[1]}@${deploy[2]}`);
        return 0;
      }
      if (values.rollback) {
        const version = await service.rollback(values.rollback);
        if (version === undefined) throw new UsageError(`head ${values.rollback} has no deployed version with an earlier one to roll back to (see --heads)`);
        console.log(`deployed ${values.rollback}@${version}`);
        return 0;
      }
      let jobs: TrainJob[];
      try {
        jobs = await service.queue(config);
      } catch (err) {
        if (err instanceof TrainConfigError) throw new UsageError(err.message);
        throw err;
      }
      console.log(`queued ${jobs.length} job${jobs.length === 1 ? '' : 's'} (grid ${jobs[0]!.gridId})`);
      const worker = `cli-${hostname()}-${process.pid}`;
      let failed = 0;
      for (;;) {
        let lastFrames = 0;
        const job = await service.runNext(worker, (p) => {
          if (p.phase === 'features' && p.framesDone !== undefined && (p.framesDone - lastFrames >= 10 || p.framesDone === p.framesTotal)) {
            lastFrames = p.framesDone;
            console.log(`job ${p.job.id}: features ${p.framesDone}/${p.framesTotal} frames`);
          }
          if (p.epoch) {
            const e = p.epoch;
            console.log(`job ${p.job.id} epoch ${e.epoch}/${p.job.config.epochs}: train loss ${e.trainLoss.toFixed(4)} acc ${pct(e.trainAccuracy)} | val loss ${e.valLoss.toFixed(4)} acc ${pct(e.valAccuracy)} (${e.seconds.toFixed(2)} s)`);
          }
        }, jobs[0]!.gridId);
        if (!job) break;
        if (job.status === 'done' && job.metrics) {
          const m = job.metrics;
          console.log(`${describe(job)}: done, validation accuracy ${pct(m.valAccuracy)} at epoch ${m.bestEpoch} (majority class ${pct(m.majorityAccuracy)}), ${m.boxesPerSecond.toFixed(0)} boxes/s`);
          console.log(`  ${m.perClass.map((c) => `${c.label}: precision ${pct(c.precision)} recall ${pct(c.recall)} (${c.support} boxes)`).join('; ')}`);
        } else {
          if (job.status === 'failed') failed++;
          console.log(`${describe(job)}: ${job.status}${job.error ? `: ${job.error}` : ''}`);
        }
      }
      for (const h of (await service.heads()).filter((h) => jobs.some((j) => j.id === h.jobId))) console.log(`stored ${h.name}@${h.version} (deploy: sightline train --deploy ${h.name}@${h.version})`);
      return failed > 0 ? 1 : 0;
    } finally {
      await pool.end();
      await database.embedded?.stop();
    }
  },
};
