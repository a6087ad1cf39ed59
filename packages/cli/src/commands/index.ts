import type { CliCommand } from '../command.ts';
import { dbCommand } from './db.ts';

/** Every subcommand, in the order `sightline --help` lists them. Add new commands here. */
export const commands: readonly CliCommand[] = [
  dbCommand,
];
