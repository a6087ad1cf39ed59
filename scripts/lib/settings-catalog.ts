// Every setting of the system in one place: the source of .env.example and of the checks that
// keep docker-compose.yml in step with the services' config schemas.
import { securityBasics } from '@sightline/auth';
import { configEntries, type ConfigEntry } from '@sightline/server-kit';
import { Type, type TObject } from '@sinclair/typebox';
import { HawkConfig } from '../../services/hawk/src/config.ts';
import { KanohiConfig } from '../../services/kanohi/src/config.ts';
import { ScouterConfig } from '../../services/scouter/src/config.ts';
import { WebServerConfig } from '../../web/server/config.ts';

export interface SettingsSection {
  readonly title: string;
  /** The compose service that reads these settings, when it is one. */
  readonly composeService?: string;
  readonly entries: readonly ConfigEntry[];
}

/** Settings outside the service schemas: the database and shared folders. */
const shared: ConfigEntry[] = [
  { env: 'DATABASE_URL', default: undefined, description: 'An external PostgreSQL (postgres://user:password@host:port/db); unset = the embedded server' },
  { env: 'SIGHTLINE_DATA_DIR', default: '<repo>/data', description: 'Folder for the embedded database cluster and uploaded media' },
  { env: 'SIGHTLINE_DB_PORT', default: 54329, description: 'Port of the embedded PostgreSQL (loopback only)' },
  { env: 'SIGHTLINE_EVAL_DATA', default: '<repo>/../shared/data', description: 'Evaluation data (MOT15, PETS09, MOT17) read by benchmarks and evaluation tests when present' },
  { env: 'SIGHTLINE_NATIVE', default: 'auto', description: 'Kernel backend: auto, cuda, cpp or ts' },
  { env: 'SIGHTLINE_BACKEND', default: 'auto', description: 'Engine of every network: auto (CUDA when a device is present and the model plans on it, else the fastest CPU path), onnxruntime, native or cuda; SIGHTLINE_BACKEND_<MODEL> (e.g. SIGHTLINE_BACKEND_BLAZEFACE) sets one model. A model that cannot run on the chosen engine falls back with one logged reason' },
  { env: 'SIGHTLINE_ORT_SPINNING', default: 0, description: 'onnxruntime worker threads spin between runs (1) or sleep (0: better when the cores are shared)' },
  { env: 'SIGHTLINE_BATCH', default: 'auto', description: "Batching across cameras: CenterNet frames of a worker's cameras that arrive within 5 ms share one network pass (up to 4, one input shape per pass). auto: on CUDA only (on the CPU batches measured slower per frame); on or off force it" },
];

/** The SIGHTLINE_* settings every service reads, listed once rather than under each service. */
const security: ConfigEntry[] = [
  ...configEntries(Type.Object(securityBasics())),
  ...configEntries(HawkConfig).filter((e) => e.env === 'SIGHTLINE_ADMIN_PASSWORD'),
];
const own = (schema: TObject) => configEntries(schema).filter((e) => !e.env.startsWith('SIGHTLINE_'));

export const settingsCatalog: readonly SettingsSection[] = [
  { title: 'Database, folders and security (all services)', entries: [...shared, ...security] },
  { title: 'Hawk: annotation service', composeService: 'hawk', entries: own(HawkConfig) },
  { title: 'Scouter: inference service', composeService: 'scouter', entries: own(ScouterConfig) },
  { title: 'Kanohi: floor-map service', composeService: 'kanohi', entries: own(KanohiConfig) },
  { title: 'Web app server', composeService: 'web', entries: configEntries(WebServerConfig) },
];

/** The text of .env.example: every setting commented out at its default. */
export function renderEnvExample(): string {
  const lines = [
    '# Every Sightline setting, at its default. Copy to .env and uncomment what you change:',
    '# `npm start` and each service read .env; unknown HAWK_/SCOUTER_/KANOHI_/WEB_ keys are errors.',
    '# Generated from the config schemas by `npm run env:example`; a test checks it is current.',
  ];
  for (const section of settingsCatalog) {
    lines.push('', `## ${section.title}`);
    for (const entry of section.entries) {
      lines.push(`# ${entry.description}`);
      lines.push(`# ${entry.env}=${entry.default === undefined ? '' : String(entry.default)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
