import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Hawk, read from the environment (see .env.example); unknown HAWK_* keys are errors. */
export const HawkConfig = Type.Object({ ...serviceBasics('HAWK', 3001) }, { additionalProperties: false });
export type HawkConfig = Static<typeof HawkConfig>;

export function loadHawkConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HawkConfig> = {}): HawkConfig {
  return loadConfig(HawkConfig, { prefixes: ['HAWK_'], env, overrides });
}
