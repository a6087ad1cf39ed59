import type { CliCommand } from '../command.ts';
import { dbCommand } from './db.ts';
import { runCommand } from './run.ts';
import { detectCommand } from './detect.ts';
import { doctorCommand } from './doctor.ts';
import { evalCommand } from './eval.ts';
import { flowCommand } from './flow.ts';
import { modelsCommand } from './models.ts';
import { trackCommand } from './track.ts';
import { trainCommand } from './train.ts';

/** Every subcommand, in the order `sightline --help` lists them. Add new commands here. */
export const commands: readonly CliCommand[] = [
  dbCommand,
  runCommand,
  detectCommand,
  trackCommand,
  evalCommand,
  flowCommand,
  doctorCommand,
  trainCommand,
  modelsCommand,
];
