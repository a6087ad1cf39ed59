import { bootService } from '@sightline/server-kit';
import { buildApp } from './app.ts';
import { loadScouterConfig } from './config.ts';

await bootService({ service: 'scouter', loadConfig: () => loadScouterConfig(), buildApp });
