import { bootService } from '@sightline/server-kit';
import { buildApp } from './app.ts';
import { loadKanohiConfig } from './config.ts';

await bootService({ service: 'kanohi', loadConfig: () => loadKanohiConfig(), buildApp });
