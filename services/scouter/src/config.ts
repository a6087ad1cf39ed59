import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Scouter, read from the environment (see .env.example); unknown SCOUTER_* keys are errors. */
export const ScouterConfig = Type.Object({ ...serviceBasics('SCOUTER', 3002) }, { additionalProperties: false });
export type ScouterConfig = Static<typeof ScouterConfig>;

export function loadScouterConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ScouterConfig> = {}): ScouterConfig {
  return loadConfig(ScouterConfig, { prefixes: ['SCOUTER_'], env, overrides });
}
