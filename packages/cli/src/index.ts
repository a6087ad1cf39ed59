// The `sightline` command's dispatcher and the subcommands that need only packages. Commands that run
// a service's code live in that service (Scouter's `run` and `train`: services/scouter/src/commands);
// the repository's binary, bin/sightline.mjs, puts both lists together.
export { main } from './main.ts';
export { UsageError, type CliCommand } from './command.ts';
export * from './commands/index.ts';
