import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Kanohi, read from the environment (see .env.example); unknown KANOHI_* keys are errors. */
export const KanohiConfig = Type.Object({ ...serviceBasics('KANOHI', 3003) }, { additionalProperties: false });
export type KanohiConfig = Static<typeof KanohiConfig>;

export function loadKanohiConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<KanohiConfig> = {}): KanohiConfig {
  return loadConfig(KanohiConfig, { prefixes: ['KANOHI_'], env, overrides });
}
