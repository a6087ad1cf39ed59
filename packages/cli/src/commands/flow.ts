import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileFlow, describePipeline, formatFlowError } from '@sightline/flow';
import { UsageError, type CliCommand } from '../command.ts';

const usage = `Usage: sightline flow check <file> [--json]

  check   parse, validate and plan a flow file (the Scouter flow language, see packages/flow/README.md)

Prints one line per planned pipeline and exits 0, or prints every error as file:line:column
with the offending line and exits 1. --json prints the planned pipelines as JSON instead.
Models, heads and trackers are checked against the stock registry (models 'centernet';
heads 'age', 'gender', 'emotion'; trackers 'bytetrack', 'sort').`;

/** `sightline flow check <file>`: the flow compiler from the command line. */
export const flowCommand: CliCommand = {
  name: 'flow',
  summary: 'Check a flow file and print the pipelines it plans',
  usage,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { positionals, values } = parsed;
    const [action, file, ...extra] = positionals;
    if (action !== 'check') throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    if (file === undefined) throw new UsageError('a flow file is required: sightline flow check <file>');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (check takes one file)`);

    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new UsageError(`cannot read flow file "${file}": ${reason}; give the path of a flow file`);
    }

    const result = compileFlow(text);
    for (const warning of result.warnings) console.error(formatFlowError(warning, text, file));
    if (!result.ok) {
      for (const error of result.errors) console.error(formatFlowError(error, text, file));
      console.error(`${file}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}; nothing planned.`);
      return 1;
    }
    if (values.json) {
      console.log(JSON.stringify(result.pipelines, null, 2));
    } else {
      console.log(`${file}: ok, ${result.pipelines.length} pipeline${result.pipelines.length === 1 ? '' : 's'}`);
      for (const pipeline of result.pipelines) console.log(`  ${describePipeline(pipeline)}`);
    }
    return 0;
  },
};
