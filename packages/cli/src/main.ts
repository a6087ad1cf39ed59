import { UsageError, type CliCommand } from './command.ts';

function help(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: sightline <command> [options]', '', 'Commands:', ...lines, '', 'Run `sightline <command> --help` for the options of one command.'].join('\n');
}

/**
 * Dispatches `sightline <command> ...args` to one of `commands` (listed by `--help` in that order);
 * returns the exit code.
 * @example process.exit(await main(process.argv.slice(2), [dbCommand, flowCommand]))
 */
export async function main(argv: readonly string[], commands: readonly CliCommand[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`sightline: unknown command "${name}".\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // node:util parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes: user errors too.
    const parseArgsError = (err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS');
    if (err instanceof UsageError || parseArgsError) {
      console.error(`sightline ${name}: ${(err as Error).message}\n\n${command.usage}`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    console.error(`sightline ${name}: ${message}`);
    return 1;
  }
}
