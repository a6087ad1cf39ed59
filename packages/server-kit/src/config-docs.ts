import type { TObject } from '@sinclair/typebox';

/** One documented setting: its environment variable, default and meaning. */
export interface ConfigEntry {
  readonly env: string;
  readonly default: unknown;
  readonly description: string;
}

/**
 * The settings a config schema reads, for generated docs (.env.example) and deployment checks.
 * @example configEntries(HawkConfig).map((e) => e.env) // ['HAWK_HOST', 'HAWK_PORT', ...]
 */
export function configEntries(schema: TObject): ConfigEntry[] {
  return Object.entries(schema.properties).map(([key, prop]) => {
    const p = prop as { env?: unknown; default?: unknown; description?: unknown; anyOf?: { const?: unknown }[] };
    if (typeof p.env !== 'string') throw new Error(`Config schema property "${key}" lacks its env name`);
    const choices = p.anyOf?.map((c) => c.const).filter((c) => c !== undefined);
    const description = [typeof p.description === 'string' ? p.description : key, choices?.length ? `one of ${choices.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return { env: p.env, default: p.default, description };
  });
}
