// Writes .env.example from the config schemas (`npm run env:example`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@sightline/db';
import { renderEnvExample } from './lib/settings-catalog.ts';

writeFileSync(join(repoRoot, '.env.example'), renderEnvExample());
console.log('Wrote .env.example');
