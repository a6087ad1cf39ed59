// `sightline train --config train.json`: validation with errors that name the key, defaults, and
// the grid of jobs (every attribute x every combination of the list-valued settings).
import { TrainConfig, type TrainJobConfig } from '@sightline/contracts';
import { Value } from '@sinclair/typebox/value';

/** A config that does not validate: `problems` name each key ("epochs: must be >= 1"). */
export class TrainConfigError extends Error {
  override readonly name = 'TrainConfigError';
  constructor(readonly problems: string[]) {
    super(`the training config is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const TRAIN_DEFAULTS = {
  head: 'linear', hidden: 64, filters: 16, dropout: 0.2, epochs: 30, batchSize: 32, lr: 0.001, optimizer: 'adam',
  momentum: 0.9, weightDecay: 1e-4, seed: 1, classWeighting: 'balanced', validation: { by: 'track', fraction: 0.25 }, roiSize: 4,
} as const;

const GRID_KEYS = ['head', 'hidden', 'filters', 'dropout', 'epochs', 'batchSize', 'lr', 'optimizer', 'momentum', 'weightDecay', 'seed', 'classWeighting'] as const;
const MAX_JOBS = 200;

function keyOf(path: string): string {
  return path.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || '(config)';
}

/**
 * The parsed config, or a TrainConfigError listing every problem by key.
 * @example const config = parseTrainConfig(JSON.parse(readFileSync('train.json', 'utf8')));
 */
export function parseTrainConfig(input: unknown): TrainConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TrainConfigError(['(config): must be a JSON object']);
  const problems: string[] = [];
  const allowed = Object.keys(TrainConfig.properties);
  for (const key of Object.keys(input)) if (!allowed.includes(key)) problems.push(`${key}: unknown key (allowed: ${allowed.join(', ')})`);
  const seen = new Set<string>();
  for (const err of Value.Errors(TrainConfig, input)) {
    if (err.message.includes('additional properties') || err.message.includes('Unexpected property')) continue;
    const key = keyOf(err.path);
    // A union reports every branch: keep the first message per key.
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(`${key}: ${err.message.toLowerCase()}${err.value === undefined ? '' : ` (got ${JSON.stringify(err.value)})`}`);
  }
  const validation = (input as Record<string, unknown>).validation;
  if (validation && typeof validation === 'object') {
    for (const k of Object.keys(validation)) if (k !== 'by' && k !== 'fraction') problems.push(`validation.${k}: unknown key (allowed: by, fraction)`);
  }
  if (problems.length) throw new TrainConfigError(problems);
  const config = input as TrainConfig;
  const dupes = config.attributes.filter((a, i) => config.attributes.indexOf(a) !== i);
  if (dupes.length) throw new TrainConfigError([`attributes: ${dupes[0]} is listed twice`]);
  const jobs = config.attributes.length * GRID_KEYS.reduce((n, k) => n * (Array.isArray(config[k]) ? (config[k] as unknown[]).length : 1), 1);
  if (jobs > MAX_JOBS) throw new TrainConfigError([`(config): the grid makes ${jobs} jobs, at most ${MAX_JOBS} are allowed; shorten a list`]);
  return config;
}

/**
 * Every job of the grid, attributes outermost, then the list-valued settings in GRID_KEYS order.
 * @example expandGrid({ project: 'p', attributes: ['a'], lr: [0.01, 0.001] }).length === 2
 */
export function expandGrid(config: TrainConfig): TrainJobConfig[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const key of GRID_KEYS) {
    const raw = config[key] ?? TRAIN_DEFAULTS[key];
    const values: unknown[] = Array.isArray(raw) ? raw : [raw];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return config.attributes.flatMap((attribute) =>
    combos.map((c) => ({
      project: config.project,
      attribute,
      ...(config.classes ? { classes: [...config.classes] } : {}),
      ...(c as Omit<TrainJobConfig, 'project' | 'attribute' | 'validation' | 'roiSize'>),
      validation: { ...(config.validation ?? TRAIN_DEFAULTS.validation) },
      roiSize: config.roiSize ?? TRAIN_DEFAULTS.roiSize,
    })),
  );
}
