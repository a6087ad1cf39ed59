import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Boot-time configuration problems, each naming the key at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function envName(key: string, schema: TSchema): string {
  const env = (schema as { env?: unknown }).env;
  if (typeof env !== 'string') throw new Error(`Config schema property "${key}" lacks its env name`);
  return env;
}

/**
 * Reads a service's config from environment variables named by each property's `env` annotation,
 * converts and validates it against the schema. Any variable with one of `prefixes` that the schema
 * does not know is an error, as is a bad value: both name the variable.
 * @example const config = loadConfig(HawkConfig, { prefixes: ['HAWK_'] });
 */
export function loadConfig<T extends TObject>(
  schema: T,
  options: { prefixes: readonly string[]; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> },
): Static<T> {
  const env = options.env ?? process.env;
  const byEnv = new Map(Object.entries(schema.properties).map(([key, prop]) => [envName(key, prop), key]));
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (options.prefixes.some((p) => name.startsWith(p)) && !byEnv.has(name)) {
      problems.push(`${name} is not a known setting (known: ${[...byEnv.keys()].filter((k) => options.prefixes.some((p) => k.startsWith(p))).join(', ')})`);
    }
  }
  const raw: Record<string, unknown> = {};
  for (const [name, key] of byEnv) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (!(key in schema.properties)) problems.push(`"${key}" is not a known setting`);
    else raw[key] = value;
  }
  const candidate = Value.Convert(schema, Value.Default(schema, raw));
  for (const error of Value.Errors(schema, candidate)) {
    const key = error.path.split('/')[1] ?? '';
    const prop = schema.properties[key];
    const name = prop ? envName(key, prop) : key;
    problems.push(`${name}: ${error.message}${error.value === undefined ? '' : ` (got ${JSON.stringify(error.value)})`}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return candidate as Static<T>;
}
