import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPool, reachableDatabase } from '@sightline/db';
import { compileFlow, defaultFlowRegistry, describePipeline, formatFlowError, type FlowRegistry } from '@sightline/flow';
import { UsageError, type CliCommand } from '../command.ts';

const usage = `Usage: sightline flow check <file> [--json]

  check   parse, validate and plan a flow file (the Scouter flow language, see packages/flow/README.md)

Prints one line per planned pipeline and exits 0, or prints every error as file:line:column
with the offending line and exits 1. --json prints the planned pipelines as JSON instead.
Models, heads and trackers are checked against the stock registry (models 'centernet';
heads 'age', 'gender', 'emotion'; trackers 'bytetrack', 'sort'). A flow naming other heads,
e.g. attributes(people, heads=['upper_colour']), is checked against the trained heads deployed
in Scouter's database too, when one answers (DATABASE_URL, or the embedded server of a running
Sightline); none is started for a check.`;

/**
 * The stock registry plus the deployed trained heads, when a database answers; otherwise the
 * stock registry and the reason the trained heads are unknown.
 */
async function registryWithTrainedHeads(): Promise<{ registry: FlowRegistry; problem?: string }> {
  const url = await reachableDatabase();
  if (!url) return { registry: defaultFlowRegistry, problem: 'no database answers (set DATABASE_URL, or start Sightline), so deployed trained heads are unknown here' };
  const pool = createPool(url, { log: () => undefined, max: 1 });
  try {
    // Loaded only on this path: a plain check does not load Scouter.
    const { TrainingRepository, withTrainedHeads } = await import('@sightline/scouter');
    return { registry: withTrainedHeads(defaultFlowRegistry, await new TrainingRepository(pool).deployedNames()) };
  } catch (err) {
    return { registry: defaultFlowRegistry, problem: `the deployed trained heads could not be read (${(err as Error).message})` };
  } finally {
    await pool.end();
  }
}

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

    let result = compileFlow(text, defaultFlowRegistry);
    let headProblem: string | undefined;
    if (!result.ok && result.errors.some((e) => e.code === 'unknown-head')) {
      // Heads beyond the stock ones may be deployed trained heads: check again knowing them.
      const { registry, problem } = await registryWithTrainedHeads();
      headProblem = problem;
      result = compileFlow(text, registry);
    }
    for (const warning of result.warnings) console.error(formatFlowError(warning, text, file));
    if (!result.ok) {
      for (const error of result.errors) console.error(formatFlowError(error, text, file));
      if (headProblem && result.errors.some((e) => e.code === 'unknown-head')) console.error(`${file}: note: ${headProblem}.`);
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
