// A Scouter process whose pipelines run the synthetic stages (no decoder, no model): the worker,
// leases, batching and database writes are the real ones. SIM_PEOPLE sets the people per frame.
// Used by test/scouter-scale.test.ts and services/scouter/bench/workers.bench.ts.
import { bootService } from '@sightline/server-kit';
import { buildScouter } from '../src/app.ts';
import { loadScouterConfig } from '../src/config.ts';
import { syntheticStages } from './synthetic-stages.ts';

const people = Number(process.env.SIM_PEOPLE ?? 10);
await bootService({
  service: 'scouter',
  loadConfig: () => loadScouterConfig(),
  buildApp: async ({ config, pool }) => {
    const scouter = await buildScouter({ config, pool, stages: syntheticStages({ people }) });
    // The parent maps this process to its worker id (leases name workers, not processes).
    if (scouter.worker) console.log(JSON.stringify({ workerId: scouter.worker.workerId }));
    return scouter.app;
  },
});
