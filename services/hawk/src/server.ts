import { bootService } from '@sightline/server-kit';
import { buildApp } from './app.ts';
import { loadHawkConfig } from './config.ts';

await bootService({ service: 'hawk', loadConfig: () => loadHawkConfig(), buildApp });
