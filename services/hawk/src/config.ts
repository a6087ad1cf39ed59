import { Type, type Static } from '@sinclair/typebox';
import { securityBasics } from '@sightline/auth';
import { loadConfig, serviceBasics } from '@sightline/server-kit';

/** Every setting of Hawk, read from the environment (see .env.example); unknown HAWK_* keys are errors. */
export const HawkConfig = Type.Object(
  {
    ...serviceBasics('HAWK', 3001),
    mediaDir: Type.String({ env: 'HAWK_MEDIA_DIR', default: '', description: 'Folder for uploaded videos and extracted frames; empty = <SIGHTLINE_DATA_DIR>/hawk' }),
    ...securityBasics(),
    adminPassword: Type.String({ env: 'SIGHTLINE_ADMIN_PASSWORD', default: '', description: 'Creates user "admin" with this password at first start when no admin exists; empty = a one-time setup token is printed instead' }),
    hawkAdminPassword: Type.String({ env: 'HAWK_ADMIN_PASSWORD', default: '', description: 'Older name of SIGHTLINE_ADMIN_PASSWORD, still read' }),
    maxUploadBytes: Type.Integer({ env: 'HAWK_MAX_UPLOAD_BYTES', default: 4 * 1024 ** 3, minimum: 1024, description: 'Largest video accepted, in bytes' }),
    staleUploadHours: Type.Number({ env: 'HAWK_STALE_UPLOAD_HOURS', default: 24, minimum: 0.001, maximum: 24 * 365, description: 'A video upload with no new bytes for this long is removed (row and files) by a periodic sweep' }),
  },
  { additionalProperties: false },
);
export type HawkConfig = Static<typeof HawkConfig>;

export function loadHawkConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HawkConfig> = {}): HawkConfig {
  return loadConfig(HawkConfig, { prefixes: ['HAWK_'], env, overrides });
}
