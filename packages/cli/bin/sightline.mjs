#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so no build step stands between a clone and `npx sightline`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
