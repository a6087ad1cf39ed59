// Scouter's `sightline` subcommands. They run Scouter's pipeline and training in the CLI process,
// so they live with the service; the repository's `sightline` binary (bin/sightline.mjs) lists them
// beside packages/cli's commands, and packages/cli never imports a service.
export { runCommand } from './run.command.ts';
export { trainCommand } from './train.command.ts';
